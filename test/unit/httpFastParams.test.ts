import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastHttpSendParams } from '../../src/engine/http/fastParams';
import { commands } from '../../src/shared/contract';

// The fast path for http.send params must never accept what zod refuses, and must output exactly
// what zod outputs (same values, same keys in the same order, no shared default objects). It may
// decline (null) anything; then zod decides. Inputs are generated around the real shapes, with
// wrong types, unknown keys, limits and odd objects mixed in.

const schema = commands['http.send'].params;

const weird = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(null),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 5 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant(Object.create(null) as object),
  fc.constant(new Date(0)),
);

function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 1, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) });
}

/** Sometimes a valid value, sometimes something else. */
function mostly<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 30, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: weird });
}

/** An object from optional fields (undefined = key absent), sometimes with an extra key or an explicit undefined. */
function record(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      fc.record(fields),
      fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('extra', 'kind', 'name', '__proto__') }),
      fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
      fc.integer({ min: 0, max: 30 }).map((n) => n === 0),
    )
    .map(([o, extra, nullProto, keepUndefined]) => {
      const out: Record<string, unknown> = nullProto ? (Object.create(null) as Record<string, unknown>) : {};
      for (const [k, v] of Object.entries(o)) if (v !== undefined || keepUndefined) out[k] = v;
      if (extra) Object.defineProperty(out, extra, { value: 1, enumerable: true, configurable: true, writable: true });
      return out;
    });
}

const text = fc.oneof({ weight: 20, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant('x'.repeat(1001)) }, { weight: 1, arbitrary: fc.constant('y'.repeat(64 * 1024 + 1)) });
const header = record({ name: maybe(mostly(text)), value: maybe(mostly(text)), enabled: maybe(mostly(fc.boolean())), description: maybe(mostly(text)) });
const bodyArb = fc.oneof(
  record({ kind: fc.constantFrom('none', 'none', 'none', 'json', 'form', 'raw', 'graphql', 'bogus') }),
  record({ kind: fc.constantFrom('json', 'xml', 'text'), text: maybe(mostly(text)), contentType: maybe(mostly(text)) }),
  record({ kind: fc.constant('graphql'), query: maybe(text), variables: maybe(text) }),
);
const authArb = fc.oneof(
  record({ kind: fc.constantFrom('none', 'none', 'none', 'basic', 'apikey', 'nope') }),
  record({ kind: fc.constant('bearer'), token: maybe(mostly(text)) }),
  record({ kind: fc.constantFrom('basic', 'digest'), username: maybe(mostly(text)), password: maybe(mostly(text)) }),
);
const num = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -2, max: 120 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -0, 30_000, 86_400_000, 86_400_001, 1.5, NaN, Infinity) });
const settingsArb = record({
  timeoutMs: maybe(mostly(num)),
  followRedirects: maybe(mostly(fc.boolean())),
  maxRedirects: maybe(mostly(num)),
  verifyTls: maybe(mostly(fc.boolean())),
  proxy: maybe(mostly(text)),
});
const specArb = record({
  name: maybe(mostly(text)),
  method: mostly(fc.constantFrom('GET', 'GET', 'post', '', 'M'.repeat(65))),
  url: mostly(fc.constantFrom('http://127.0.0.1/', 'x', 'x', '')),
  headers: maybe(mostly(fc.array(mostly(header), { maxLength: 3 }))),
  body: maybe(mostly(bodyArb)),
  auth: maybe(mostly(authArb)),
  settings: maybe(mostly(settingsArb)),
});
const variablesArb = fc.oneof(
  fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('k'.repeat(1001)), fc.constant('__proto__')), mostly(text), { maxKeys: 3 }),
  weird,
);
const paramsArb = record({
  spec: mostly(specArb),
  variables: maybe(variablesArb),
  requestId: maybe(mostly(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('r'.repeat(201))))),
});

/** Structure, values and key order, with no object shared between the two results. */
function sameOutput(fast: unknown, slow: unknown): void {
  expect(fast).toStrictEqual(slow);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
}

describe('http.send fast params', () => {
  it('accepts only what zod accepts and outputs what zod outputs', () => {
    let accepted = 0;
    let declinedValid = 0;
    fc.assert(
      fc.property(paramsArb, (params) => {
        const fast = fastHttpSendParams(params);
        if (fast === null) {
          if (schema.safeParse(params).success) declinedValid++;
          return;
        }
        accepted++;
        const slow = schema.safeParse(params);
        expect(slow.success).toBe(true);
        sameOutput(fast, slow.data);
      }),
      { numRuns: 20_000 },
    );
    // A test that never reaches the comparison proves nothing.
    expect(accepted).toBeGreaterThan(600);
    // Declined but valid: the rarer body and auth kinds, explicit undefined, null prototypes…
    expect(declinedValid).toBeLessThan(accepted);
  });

  it('takes the common shapes (what the UI, CLI and bench send)', () => {
    const common: unknown[] = [
      { spec: { method: 'GET', url: 'http://127.0.0.1:1/' } },
      {
        spec: {
          name: 'Create',
          method: 'POST',
          url: 'https://api.example.com/{{path}}',
          headers: [
            { name: 'Content-Type', value: 'application/json', enabled: true },
            { name: 'X-Off', value: '1', enabled: false, description: 'why' },
          ],
          body: { kind: 'json', text: '{"a":1}' },
          auth: { kind: 'bearer', token: '{{token}}' },
          settings: { timeoutMs: 0, followRedirects: false, maxRedirects: 3, verifyTls: false, proxy: 'http://p:8080' },
        },
        variables: { path: 'users', token: 't' },
        requestId: 'tab-1',
      },
      { spec: { method: 'PUT', url: 'x', body: { kind: 'text', text: 'hi', contentType: 'text/plain' }, auth: { kind: 'basic', username: 'u', password: 'p' } } },
    ];
    for (const params of common) {
      const fast = fastHttpSendParams(params);
      expect(fast).not.toBeNull();
      sameOutput(fast, schema.parse(params));
    }
  });

  it('never hands out the shared default settings object', () => {
    const a = fastHttpSendParams({ spec: { method: 'GET', url: 'x' } });
    const b = fastHttpSendParams({ spec: { method: 'GET', url: 'x' } });
    expect(a?.spec.settings).not.toBe(b?.spec.settings);
  });
});
