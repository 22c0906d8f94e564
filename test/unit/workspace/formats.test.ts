import { describe, expect, it } from 'vitest';
import { Collection as PmCollection, Request as PmRequest } from 'postman-collection';
import { parseCurl, importCurl } from '../../../src/shared/formats/curl';
import { exportPostman, importPostman } from '../../../src/shared/formats/postman';
import { importInsomnia } from '../../../src/shared/formats/insomnia';
import { importHar } from '../../../src/shared/formats/har';
import { detectFormat, importText } from '../../../src/shared/formats/detect';
import {
  collectionToFiles,
  filesToCollection,
  parseEnvironment,
  parseRequest,
  stringifyEnvironment,
  stringifyRequest,
} from '../../../src/shared/formats/collectionFiles';
import { resolveLayers, unresolvedVariables, specVariables, variableSegments } from '../../../src/shared/formats/variables';
import { makeSpec } from '../../../src/shared/formats/specHelpers';
import type { Collection } from '../../../src/shared/model/workspace';

function sample(): Collection {
  return {
    name: 'Pet store',
    description: 'Demo',
    variables: [
      { name: 'baseUrl', value: 'https://api.example.test', enabled: true },
      { name: 'token', value: 'should-not-be-written', enabled: true, secret: true },
    ],
    items: [
      {
        kind: 'folder',
        name: 'Pets',
        items: [
          {
            kind: 'request',
            name: 'List pets',
            spec: makeSpec({ method: 'GET', url: '{{baseUrl}}/pets?limit=10', headers: [{ name: 'Accept', value: 'application/json', enabled: true }], auth: { kind: 'bearer', token: '{{token}}' } }),
          },
          {
            kind: 'request',
            name: 'Create pet',
            description: 'Adds one',
            spec: makeSpec({
              method: 'POST',
              url: '{{baseUrl}}/pets',
              body: { kind: 'json', text: '{"name":"Rex"}' },
              auth: { kind: 'basic', username: 'u', password: 'p' },
              settings: { followRedirects: false, timeoutMs: 5000 },
            }),
          },
        ],
      },
      {
        kind: 'request',
        name: 'Upload',
        spec: makeSpec({
          method: 'PUT',
          url: '{{baseUrl}}/upload',
          body: { kind: 'multipart', parts: [{ kind: 'text', name: 'a', value: '1', enabled: true }, { kind: 'file', name: 'f', path: '/tmp/x.bin', enabled: false }] },
          auth: { kind: 'apikey', key: 'X-Key', value: 'k', in: 'header' },
        }),
      },
      { kind: 'request', name: 'Login form', spec: makeSpec({ method: 'POST', url: '{{baseUrl}}/login', body: { kind: 'form', fields: [{ name: 'user', value: 'a b', enabled: true }] } }) },
    ],
  };
}

describe('collection files', () => {
  it('round-trips a collection through its files, with stable bytes and no secret values', () => {
    const files = collectionToFiles(sample());
    const paths = files.map((f) => f.path).sort();
    expect(paths).toEqual(['collection.json', 'login-form.request.json', 'pets/create-pet.request.json', 'pets/folder.json', 'pets/list-pets.request.json', 'upload.request.json']);
    const all = files.map((f) => f.text).join('\n');
    expect(all).not.toContain('should-not-be-written');
    expect(all).not.toMatch(/"id"|_postman_id|createdAt|modified/);
    const { collection, problems } = filesToCollection(files, 'fallback');
    expect(problems).toEqual([]);
    expect(collection.items.map((i) => i.name)).toEqual(['Pets', 'Upload', 'Login form']);
    // Saving again gives the same bytes (clean git diffs).
    expect(collectionToFiles(collection)).toEqual(files);
  });

  it('writes settings only when they differ from the defaults, in a fixed key order', () => {
    const text = stringifyRequest({ name: 'x', spec: makeSpec({ method: 'GET', url: 'http://a' }) });
    expect(text).toBe('{\n  "name": "x",\n  "method": "GET",\n  "url": "http://a",\n  "headers": [],\n  "body": {\n    "kind": "none"\n  },\n  "auth": {\n    "kind": "none"\n  }\n}\n');
    const back = parseRequest(stringifyRequest({ name: 'y', spec: makeSpec({ method: 'GET', url: 'http://a', settings: { verifyTls: false } }) }), 'f');
    expect(back.spec.settings.verifyTls).toBe(false);
    expect(back.spec.settings.timeoutMs).toBe(30_000);
  });

  it('reports a broken file as a problem and still loads the others; unlisted files follow the order', () => {
    const files = collectionToFiles(sample());
    files.push({ path: 'zz-added-by-git.request.json', text: stringifyRequest({ name: 'From git', spec: makeSpec({ method: 'GET', url: 'http://x' }) }) });
    files.push({ path: 'broken.request.json', text: '{ nope' });
    const { collection, problems } = filesToCollection(files, 'c');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.where).toBe('broken.request.json');
    expect(collection.items.map((i) => i.name)).toEqual(['Pets', 'Upload', 'Login form', 'From git']);
  });

  it('keeps secret values out of environment files', () => {
    const text = stringifyEnvironment({ name: 'prod', variables: [{ name: 'k', value: 'hunter2', enabled: true, secret: true }, { name: 'h', value: 'x', enabled: true }] });
    expect(text).not.toContain('hunter2');
    expect(parseEnvironment(text, 'f').variables).toEqual([{ name: 'k', value: '', enabled: true, secret: true }, { name: 'h', value: 'x', enabled: true }]);
  });
});

describe('variables', () => {
  it('applies global < collection < environment and expands nested values', () => {
    const t = resolveLayers([
      { scope: 'global', variables: [{ name: 'host', value: 'g.test', enabled: true }, { name: 'v', value: 'g', enabled: true }] },
      { scope: 'collection', variables: [{ name: 'base', value: 'https://{{host}}/api', enabled: true }, { name: 'v', value: 'c', enabled: true }] },
      { scope: 'environment', variables: [{ name: 'host', value: 'env.test', enabled: true }, { name: 'off', value: 'x', enabled: false }] },
    ]);
    expect(t.values).toEqual({ host: 'env.test', v: 'c', base: 'https://env.test/api' });
    expect(t.rows.find((r) => r.name === 'host')).toMatchObject({ scope: 'environment', overrides: ['global'] });
    const spec = makeSpec({ method: 'GET', url: '{{base}}/u/{{id}}?t={{$timestamp}}', headers: [{ name: 'X', value: '{{off}}', enabled: true }] });
    expect(specVariables(spec).sort()).toEqual(['base', 'id', 'off']);
    expect(unresolvedVariables(spec, t.values).sort()).toEqual(['id', 'off']);
  });

  it('takes secret values from the secret source only, and an unset secret does not hide a lower scope', () => {
    const t = resolveLayers([
      { scope: 'global', variables: [{ name: 'token', value: 'global-token', enabled: true }] },
      { scope: 'environment', variables: [{ name: 'token', value: '', enabled: true, secret: true }, { name: 'key', value: '', enabled: true, secret: true }], secrets: { key: 's3cret' } },
    ]);
    expect(t.values.token).toBe('global-token');
    expect(t.values.key).toBe('s3cret');
    expect(t.rows.find((r) => r.name === 'key')).toMatchObject({ secret: true, value: null });
  });

  it('splits text into highlightable segments', () => {
    expect(variableSegments('a{{ b }}c')).toEqual([{ text: 'a', variable: null }, { text: '{{ b }}', variable: 'b' }, { text: 'c', variable: null }]);
  });
});

describe('curl import (parsing)', () => {
  it('reads quoting, clustered flags, glued values and line continuations', () => {
    const { spec, skipped } = parseCurl(`curl -sSL -XPATCH 'https://api.test/a?x=1' \\\n  -H "Authorization: Bearer abc" -HX-Y:z --data-raw $'{"k":"it\\'s"}' -H 'Content-Type: application/json' --compressed -o out.txt`);
    expect(spec.method).toBe('PATCH');
    expect(spec.url).toBe('https://api.test/a?x=1');
    expect(spec.headers.map((h) => [h.name, h.value])).toEqual([['Authorization', 'Bearer abc'], ['X-Y', 'z'], ['Content-Type', 'application/json']]);
    expect(spec.body).toEqual({ kind: 'json', text: `{"k":"it's"}` });
    expect(spec.settings.followRedirects).toBe(true);
    expect(skipped.map((s) => s.where)).toEqual(expect.arrayContaining(['--silent', '--show-error', '--output out.txt']));
  });

  it('maps -u, --digest, -F, -G, --data-urlencode, -k, -m and a missing scheme', () => {
    expect(parseCurl('curl -u me:pw --digest example.test').spec).toMatchObject({ url: 'http://example.test', method: 'GET', auth: { kind: 'digest', username: 'me', password: 'pw' } });
    const f = parseCurl(`curl -F 'a=1' -F 'file=@/tmp/x.png;type=image/png' -k -m 2.5 http://h/u`).spec;
    expect(f.method).toBe('POST');
    expect(f.body).toEqual({ kind: 'multipart', parts: [{ kind: 'text', name: 'a', value: '1', enabled: true }, { kind: 'file', name: 'file', path: '/tmp/x.png', enabled: true, contentType: 'image/png' }] });
    expect(f.settings).toMatchObject({ verifyTls: false, timeoutMs: 2500 });
    expect(parseCurl(`curl -G -d a=1 --data-urlencode 'q=x y' http://h/s`).spec).toMatchObject({ method: 'GET', url: 'http://h/s?a=1&q=x+y', body: { kind: 'none' } });
  });

  it('stops at a pipe and rejects what is not curl', () => {
    expect(parseCurl('curl http://h/x | jq .').spec.url).toBe('http://h/x');
    expect(() => parseCurl('wget http://h')).toThrow(/curl/);
    expect(() => parseCurl('curl -H "A: b"')).toThrow(/no URL/);
    expect(importCurl('curl http://h/p').collection.items[0]?.name).toBe('GET /p');
  });
});

describe('Postman v2.1', () => {
  it('exports a collection that the postman-collection SDK loads with the same requests', () => {
    const { doc, skipped } = exportPostman(sample());
    expect(skipped).toEqual([]);
    const pm = new PmCollection(doc as ConstructorParameters<typeof PmCollection>[0]);
    expect(pm.name).toBe('Pet store');
    const requests: Array<{ name: string; req: PmRequest }> = [];
    pm.forEachItem((item) => {
      requests.push({ name: item.name, req: item.request });
    });
    expect(requests.map((r) => r.name)).toEqual(['List pets', 'Create pet', 'Upload', 'Login form']);
    const list = requests[0]!.req;
    expect(list.method).toBe('GET');
    expect(list.url.toString()).toBe('{{baseUrl}}/pets?limit=10');
    expect(list.headers.get('Accept')).toBe('application/json');
    expect(list.auth?.type).toBe('bearer');
    expect(list.auth?.parameters().get('token')).toBe('{{token}}');
    const create = requests[1]!.req;
    expect(create.body?.mode).toBe('raw');
    expect(create.body?.raw).toBe('{"name":"Rex"}');
    expect(create.auth?.parameters().get('username')).toBe('u');
    const upload = requests[2]!.req;
    expect(upload.body?.mode).toBe('formdata');
    expect(upload.body?.formdata?.count()).toBe(2);
    const login = requests[3]!.req;
    expect(login.body?.urlencoded?.get('user')).toBe('a b');
    // Secrets leave no value behind.
    expect(pm.variables.get('token')).toBe('');
    expect(pm.variables.get('baseUrl')).toBe('https://api.example.test');
    // And it imports back to the same requests.
    const back = importPostman(JSON.parse(JSON.stringify(pm.toJSON())));
    const flat = (c: Collection): string[] => {
      const out: string[] = [];
      const walk = (items: Collection['items']): void => {
        for (const i of items) {
          if (i.kind === 'folder') walk(i.items);
          else out.push(`${i.spec.method} ${i.spec.url} ${JSON.stringify(i.spec.body)} ${JSON.stringify(i.spec.auth)}`);
        }
      };
      walk(c.items);
      return out;
    };
    expect(flat(back.collection)).toEqual(flat(sample()));
  });

  it('imports folders, inherited auth, variables and lists scripts and examples', () => {
    const doc = {
      info: { name: 'API', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{tok}}' }] },
      variable: [{ key: 'base', value: 'http://x' }],
      event: [{ listen: 'prerequest', script: { exec: ['pm.environment.set("a", 1)'] } }],
      item: [
        {
          name: 'F',
          item: [
            { name: 'inherits', request: { method: 'GET', url: '{{base}}/a' }, response: [{ name: 'ex' }] },
            { name: 'own', request: { method: 'POST', url: { raw: '{{base}}/b' }, auth: { type: 'noauth' }, body: { mode: 'urlencoded', urlencoded: [{ key: 'a', value: '1' }] } } },
            { name: 'oauth', request: { method: 'GET', url: 'http://o', auth: { type: 'oauth2', oauth2: [] } } },
            { name: 'pathvars', request: { method: 'GET', url: { raw: '{{base}}/users/:id/posts/:post?x=1', variable: [{ key: 'id', value: '7' }, { key: 'post', value: '' }] } } },
          ],
        },
      ],
    };
    const r = importPostman(doc);
    const folder = r.collection.items[0];
    expect(folder?.kind).toBe('folder');
    if (folder?.kind !== 'folder') throw new Error('no folder');
    expect(folder.items.map((i) => (i.kind === 'request' ? i.spec.auth.kind : ''))).toEqual(['bearer', 'none', 'none', 'bearer']);
    const pv = folder.items[3];
    expect(pv?.kind === 'request' ? pv.spec.url : '').toBe('{{base}}/users/7/posts/{{post}}?x=1');
    expect(r.collection.variables).toEqual([{ name: 'base', value: 'http://x', enabled: true }]);
    const reasons = r.skipped.map((s) => s.where).join('\n');
    expect(reasons).toMatch(/prerequest script/);
    expect(reasons).toMatch(/examples/);
    expect(reasons).toMatch(/oauth › auth/);
  });
});

describe('Insomnia v4', () => {
  it('imports folders, requests with parameters and auth, environments and lists what it skips', () => {
    const doc = {
      _type: 'export',
      __export_format: 4,
      resources: [
        { _id: 'wrk_1', _type: 'workspace', name: 'Shop' },
        { _id: 'env_base', _type: 'environment', parentId: 'wrk_1', name: 'Base', data: { base: 'http://shop.test', nested: { a: 1 } } },
        { _id: 'env_prod', _type: 'environment', parentId: 'env_base', name: 'Prod', data: { base: 'https://shop.example' } },
        { _id: 'fld_1', _type: 'request_group', parentId: 'wrk_1', name: 'Orders', metaSortKey: 1 },
        {
          _id: 'req_1',
          _type: 'request',
          parentId: 'fld_1',
          name: 'Create',
          method: 'post',
          url: '{{ _.base }}/orders',
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          parameters: [{ name: 'dry run', value: 'yes' }],
          body: { mimeType: 'application/json', text: '{"q":1}' },
          authentication: { type: 'basic', username: '{{ _.user }}', password: 'p' },
          metaSortKey: 2,
        },
        { _id: 'req_2', _type: 'request', parentId: 'wrk_1', name: 'Tagged', method: 'GET', url: "{% uuid 'v4' %}", metaSortKey: 0 },
        { _id: 'grpc_1', _type: 'grpc_request', parentId: 'wrk_1', name: 'RPC' },
      ],
    };
    const r = importInsomnia(doc);
    expect(r.collection.name).toBe('Shop');
    expect(r.collection.variables).toEqual([{ name: 'base', value: 'http://shop.test', enabled: true }, { name: 'nested.a', value: '1', enabled: true }]);
    expect(r.environments).toEqual([{ name: 'Prod', variables: [{ name: 'base', value: 'https://shop.example', enabled: true }] }]);
    const orders = r.collection.items.find((i) => i.name === 'Orders');
    if (orders?.kind !== 'folder') throw new Error('no folder');
    const create = orders.items[0];
    if (create?.kind !== 'request') throw new Error('no request');
    expect(create.spec).toMatchObject({ method: 'POST', url: '{{base}}/orders?dry%20run=yes', body: { kind: 'json', text: '{"q":1}' }, auth: { kind: 'basic', username: '{{user}}' } });
    expect(r.skipped.map((s) => s.reason).join('\n')).toMatch(/template tags[\s\S]*not an HTTP request/);
  });
});

describe('HAR import and detection', () => {
  it('makes one request per entry, drops computed headers and keeps bodies', () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 't', version: '1' },
        entries: [
          { request: { method: 'GET', url: 'https://a.test/x', headers: [{ name: ':authority', value: 'a.test' }, { name: 'Accept', value: '*/*' }], queryString: [], cookies: [], httpVersion: 'HTTP/2', headersSize: -1, bodySize: 0 } },
          { request: { method: 'POST', url: 'https://a.test/x', headers: [{ name: 'Content-Length', value: '3' }], postData: { mimeType: 'application/json', text: '{}' }, queryString: [], cookies: [], httpVersion: 'HTTP/1.1', headersSize: -1, bodySize: 2 } },
          { request: { method: 'GET', url: 'ws://a.test/s', headers: [], queryString: [], cookies: [], httpVersion: 'HTTP/1.1', headersSize: -1, bodySize: 0 } },
        ],
      },
    };
    const text = JSON.stringify(har);
    expect(detectFormat(text)).toBe('har');
    const r = importHar(har);
    expect(r.collection.items.map((i) => i.name)).toEqual(['GET /x', 'POST /x']);
    const first = r.collection.items[0];
    if (first?.kind !== 'request') throw new Error('x');
    expect(first.spec.headers).toEqual([{ name: 'Accept', value: '*/*', enabled: true }]);
    expect(r.skipped).toHaveLength(1);
  });

  it('detects each format and refuses unknown text with a clear error', () => {
    expect(detectFormat('curl http://x')).toBe('curl');
    expect(detectFormat('openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n')).toBe('openapi');
    expect(detectFormat(JSON.stringify({ _type: 'export', __export_format: 4, resources: [] }))).toBe('insomnia');
    expect(() => importText('hello world')).toThrow(/neither a curl command/);
    expect(() => importText('{"a":1}')).toThrow(/not a Postman collection/);
  });
});
