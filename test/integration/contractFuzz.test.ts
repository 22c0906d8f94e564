import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine';
import { startWebDoor, type WebDoor } from '../../src/main/serve/webDoor';
import { commands, type CommandName } from '../../src/shared/contract';
import { SwitchboardError } from '../../src/shared/errors';
import { connectWs, fakeRendererDir, messageLog } from './webDoor/helpers';

/**
 * Every contract command, fed random and malformed params (fast-check). Params that fail the
 * command's schema must be refused with VALIDATION_FAILED, as a SwitchboardError, before any
 * handler runs; the engine must stay up. Params that happen to satisfy a schema are counted but
 * not invoked: a random valid `catchers.create` or `workspace.open` would listen on a port or
 * write files, which is a different test (each area's own suite).
 */

const RUNS_PER_COMMAND = 100;
const RUNS_WS = 300;

let engine: Engine;
let door: WebDoor;
let dataDir: string;
let rendererDir: string;
const tally = { tried: 0, validByChance: 0, refused: 0, wsTried: 0 };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sb-fuzz-'));
  rendererDir = fakeRendererDir();
  engine = await createEngine({ dataDir, door: 'web' });
  door = await startWebDoor({ engine, port: 0, rendererDir });
});

afterAll(async () => {
  await door?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
  // The figures for SECURITY.md and the issue note.
  console.log(`contract fuzz: ${JSON.stringify(tally)}`);
});

const names = Object.keys(commands) as CommandName[];

/** Top-level keys of an object schema (zod 4 exposes `.shape`), so values can be fuzzed per key. */
function schemaKeys(name: CommandName): string[] {
  const schema = commands[name].params as unknown as { shape?: Record<string, unknown> };
  return schema.shape ? Object.keys(schema.shape) : [];
}

const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/** Values that break naive validators: wrong types, extremes, prototype tricks, huge strings. */
const nasty = fc.constantFrom<unknown>(
  null,
  undefined,
  '',
  'x'.repeat(100_000),
  -1,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  1e308,
  '__proto__',
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  [],
  {},
  JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  { constructor: { prototype: { polluted: true } } },
  true,
);

function paramsFor(name: CommandName): fc.Arbitrary<unknown> {
  const keys = schemaKeys(name);
  const shaped =
    keys.length > 0
      ? fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(anyValue, nasty)])), { requiredKeys: [] })
      : anyValue;
  // Same shape with one unknown key: strict schemas must refuse extras.
  const extra = shaped.map((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, ['unexpected' + 'Key']: 1 } : v));
  return fc.oneof(anyValue, nasty, shaped, extra);
}

function isValid(name: CommandName, params: unknown): boolean {
  return commands[name].params.safeParse(params ?? {}).success;
}

describe('every contract command refuses malformed params', () => {
  it.each(names)('%s', async (name) => {
    await fc.assert(
      fc.asyncProperty(paramsFor(name), async (params) => {
        tally.tried++;
        if (isValid(name, params)) {
          tally.validByChance++;
          return;
        }
        let error: unknown = null;
        try {
          await engine.invoke(name, params);
        } catch (err) {
          error = err;
        }
        expect(error, `${name} accepted ${fc.stringify(params)}`).toBeInstanceOf(SwitchboardError);
        expect((error as SwitchboardError).code).toBe('VALIDATION_FAILED');
        tally.refused++;
      }),
      { numRuns: RUNS_PER_COMMAND },
    );
    // Definitely invalid for every command: a bare string is never an object.
    await expect(engine.invoke(name, 'not an object')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses unknown and hostile command names cleanly', async () => {
    for (const name of ['', 'nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'engine.info.x']) {
      await expect(engine.invoke(name as CommandName, {})).rejects.toMatchObject({ code: 'UNKNOWN_COMMAND' });
    }
  });

  it('the engine still answers afterwards', async () => {
    const info = await engine.invoke('engine.info', {});
    expect(info.dataDir).toBe(dataDir);
  });
});

describe('the web door WebSocket refuses malformed params and garbage', () => {
  async function open(): Promise<WebSocket> {
    const outcome = await connectWs(door.port, `/api/ws?token=${door.token}`);
    if (!outcome.open) throw new Error(`WebSocket refused: ${outcome.status}`);
    return outcome.ws;
  }

  it('answers every request with VALIDATION_FAILED and keeps the socket open', async () => {
    const ws = await open();
    const log = messageLog(ws);
    let nextId = 1;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 3 }), async (name, params) => {
        if (isValid(name, params)) return;
        tally.wsTried++;
        const id = nextId++;
        ws.send(JSON.stringify({ id, command: name, params }));
        const reply = await log.waitFor<{ ok: boolean; error?: { code: string } }>((m) => m.id === id);
        expect(reply.ok).toBe(false);
        expect(reply.error?.code).toBe('VALIDATION_FAILED');
      }),
      { numRuns: RUNS_WS },
    );
    // Off-protocol frames: answered with an error (id 0), never a crash.
    for (const frame of ['garbage', '[]', 'null', '{"id":"1","command":"engine.info"}', '{"id":1.5}', '{"id":7,"command":""}', Buffer.from([0xff, 0xfe, 0x00])]) {
      ws.send(frame);
    }
    const id = nextId++;
    ws.send(JSON.stringify({ id, command: 'engine.info', params: {} }));
    const info = await log.waitFor<{ ok: boolean; result?: { dataDir: string } }>((m) => m.id === id);
    expect(info).toMatchObject({ ok: true, result: { dataDir } });
    expect(ws.readyState).toBe(ws.OPEN);
    ws.close();
  });
});
