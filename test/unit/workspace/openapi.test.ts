import { describe, expect, it } from 'vitest';
import { importText } from '../../../src/shared/formats/detect';
import type { CollectionItem, CollectionRequest } from '../../../src/shared/model/workspace';

// A non-trivial OpenAPI 3.0 document in YAML: tags, servers with variables, path-item parameters,
// $ref'd parameters, request bodies and schemas, examples, several security schemes.
const DOC = `
openapi: 3.0.3
info:
  title: Pet Store
  version: 1.0.0
  description: Pets and their owners.
servers:
  - url: https://{region}.pets.example/v1
    variables:
      region: { default: eu }
  - url: http://localhost:8080/v1
tags:
  - name: pets
    description: Everything about pets
security:
  - bearerAuth: []
paths:
  /pets:
    get:
      tags: [pets]
      summary: List pets
      parameters:
        - $ref: '#/components/parameters/Limit'
        - name: q
          in: query
          schema: { type: string }
        - name: X-Request-Id
          in: header
          required: true
          schema: { type: string, example: abc-123 }
      responses: { '200': { description: ok } }
    post:
      tags: [pets]
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewPet' }
          application/xml:
            schema: { $ref: '#/components/schemas/NewPet' }
      responses: { '201': { description: created } }
  /pets/{petId}:
    parameters:
      - name: petId
        in: path
        required: true
        schema: { type: integer, example: 42 }
    get:
      tags: [pets]
      summary: Get a pet
      security: []
      responses: { '200': { description: ok } }
    patch:
      tags: [pets]
      summary: Rename
      security:
        - apiKey: []
      requestBody:
        content:
          application/json:
            examples:
              rename: { value: { name: Rex } }
      responses: { '200': { description: ok } }
  /owners/{ownerId}/photo:
    put:
      summary: Upload photo
      parameters:
        - { name: ownerId, in: path, required: true, schema: { type: string } }
      security:
        - oauth: [write]
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                caption: { type: string, example: Me }
                file: { type: string, format: binary }
      responses: { '204': { description: done } }
  /login:
    post:
      security:
        - basic: []
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                user: { type: string, example: alice }
                remember: { type: boolean }
      responses: { '200': { description: ok } }
components:
  parameters:
    Limit:
      name: limit
      in: query
      schema: { type: integer, default: 20 }
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        id: { type: integer, readOnly: true }
        name: { type: string, example: Fido }
        tags: { type: array, items: { type: string, example: cute } }
        owner: { $ref: '#/components/schemas/Owner' }
    Owner:
      type: object
      properties:
        email: { type: string, format: email }
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
    apiKey: { type: apiKey, in: header, name: X-API-Key }
    basic: { type: http, scheme: basic }
    oauth:
      type: oauth2
      flows: { clientCredentials: { tokenUrl: 'https://auth.example/token', scopes: { write: w } } }
`;

function flat(items: CollectionItem[]): CollectionRequest[] {
  return items.flatMap((i) => (i.kind === 'folder' ? flat(i.items) : [i]));
}

describe('OpenAPI 3 import', () => {
  it('makes one request per operation with servers, params, example bodies and auth', () => {
    const r = importText(DOC);
    expect(r.format).toBe('openapi');
    const c = r.collection;
    expect(c.name).toBe('Pet Store');
    expect(c.items.map((i) => `${i.kind}:${i.name}`)).toEqual(['folder:pets', 'request:Upload photo', 'request:POST /login']);
    expect(c.variables.find((v) => v.name === 'baseUrl')?.value).toBe('https://eu.pets.example/v1');
    expect(c.variables.find((v) => v.name === 'petId')?.value).toBe('42');
    expect(c.variables.find((v) => v.name === 'bearerToken')).toMatchObject({ secret: true });
    const reqs = flat(c.items);
    const byName = new Map(reqs.map((q) => [q.name, q.spec]));
    expect(reqs).toHaveLength(6);

    const list = byName.get('List pets')!;
    expect(list.url).toBe('{{baseUrl}}/pets?limit=20');
    expect(list.headers).toEqual([{ name: 'X-Request-Id', value: 'abc-123', enabled: true }]);
    expect(list.auth).toEqual({ kind: 'bearer', token: '{{bearerToken}}' });

    const create = byName.get('createPet')!;
    expect(create.method).toBe('POST');
    expect(create.body.kind).toBe('json');
    const body = JSON.parse(create.body.kind === 'json' ? create.body.text : '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'Fido', tags: ['cute'], owner: { email: expect.any(String) } });
    expect(body).not.toHaveProperty('id'); // readOnly

    expect(byName.get('Get a pet')).toMatchObject({ url: '{{baseUrl}}/pets/{{petId}}', auth: { kind: 'none' } });
    expect(byName.get('Rename')).toMatchObject({ method: 'PATCH', body: { kind: 'json', text: '{\n  "name": "Rex"\n}' }, auth: { kind: 'apikey', key: 'X-API-Key', value: '{{apiKey}}', in: 'header' } });
    const upload = byName.get('Upload photo')!;
    expect(upload.url).toBe('{{baseUrl}}/owners/{{ownerId}}/photo');
    expect(upload.body).toEqual({ kind: 'multipart', parts: [{ kind: 'text', name: 'caption', value: 'Me', enabled: true }, { kind: 'file', name: 'file', path: '', enabled: true }] });
    expect(byName.get('POST /login')).toMatchObject({ body: { kind: 'form', fields: [{ name: 'user', value: 'alice', enabled: true }, { name: 'remember', value: 'true', enabled: true }] }, auth: { kind: 'basic', username: '{{username}}' } });

    const skipped = r.skipped.map((s) => `${s.where}: ${s.reason}`).join('\n');
    expect(skipped).toMatch(/servers: 1 more server/);
    expect(skipped).toMatch(/GET \/pets › query "q": optional parameter without example/);
    expect(skipped).toMatch(/POST \/pets › body: used application\/json; other media types \(application\/xml\)/);
    expect(skipped).toMatch(/security "oauth": oauth2 security is not supported/);
    expect(skipped).toMatch(/body › file: file field/);
  });

  it('refuses Swagger 2 and reports external references', () => {
    expect(() => importText(JSON.stringify({ swagger: '2.0', info: { title: 't' }, paths: {} }))).toThrow(/Swagger 2.0 is not supported/);
    const r = importText(JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { parameters: [{ $ref: 'other.yaml#/p' }] } } } }));
    expect(r.skipped.map((s) => s.reason)).toContain('external reference other.yaml#/p is not followed');
  });
});
