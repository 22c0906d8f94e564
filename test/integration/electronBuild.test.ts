import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { InvokeReply } from '../../src/shared/client';

// Checks the built Electron bundles (`npm run build` runs before the tests in `npm test`). The
// Electron binary cannot run here, so the preload is executed in a VM context with the only thing
// that cannot exist here — the electron module — stood in for.
const ROOT = path.resolve(import.meta.dirname, '../..');
const PRELOAD = path.join(ROOT, 'out/preload/index.cjs');
const MAIN = path.join(ROOT, 'out/main/index.js');

function built(file: string): string {
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` first.`);
  return readFileSync(file, 'utf8');
}

interface FakeIpc {
  exposed: Map<string, unknown>;
  invoked: unknown[][];
  emit(channel: string, ...args: unknown[]): void;
  reply: (channel: string, ...args: unknown[]) => Promise<unknown>;
  /** Runs code inside the preload's realm (so its `instanceof Error` holds). */
  evaluate(code: string): unknown;
}

function loadPreload(): FakeIpc {
  const source = built(PRELOAD);
  const handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  const ipc: FakeIpc = {
    exposed: new Map(),
    invoked: [],
    emit(channel, ...args) {
      for (const h of handlers.get(channel) ?? []) h({ sender: 'the IpcRendererEvent' }, ...args);
    },
    reply: async () => ({ ok: true, result: 'pong' }),
    evaluate: () => undefined,
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => ipc.exposed.set(name, api) },
    ipcRenderer: {
      on: (channel: string, h: (...args: unknown[]) => void) => handlers.set(channel, [...(handlers.get(channel) ?? []), h]),
      invoke: (channel: string, ...args: unknown[]) => {
        ipc.invoked.push([channel, ...args]);
        return ipc.reply(channel, ...args);
      },
    },
  };
  const required: string[] = [];
  const context = vm.createContext({
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`the sandboxed preload cannot require '${name}'`);
      return electron;
    },
    module: { exports: {} },
    exports: {},
  });
  vm.runInContext(source, context);
  ipc.evaluate = (code) => vm.runInContext(code, context);
  expect(required).toEqual(['electron']);
  return ipc;
}

describe('built preload (out/preload/index.cjs)', () => {
  it('is one CommonJS file that requires nothing but electron', () => {
    const source = built(PRELOAD);
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/\bexport\s/);
    const requires = [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  it('exposes exactly window.switchboard = { invoke, subscribe }', () => {
    const ipc = loadPreload();
    expect([...ipc.exposed.keys()]).toEqual(['switchboard']);
    const bridge = ipc.exposed.get('switchboard') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('invoke sends (command, params) on the one channel and returns the reply envelope', async () => {
    const ipc = loadPreload();
    const bridge = ipc.exposed.get('switchboard') as { invoke(c: unknown, p: unknown): Promise<InvokeReply> };
    expect(await bridge.invoke('engine.info', { a: 1 })).toEqual({ ok: true, result: 'pong' });
    expect(ipc.invoked).toEqual([['switchboard:invoke', 'engine.info', { a: 1 }]]);
    expect(await bridge.invoke(5, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(ipc.invoked).toHaveLength(1);
    ipc.reply = () => Promise.reject(ipc.evaluate('new Error("No handler registered")'));
    expect(await bridge.invoke('engine.info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'No handler registered' } });
  });

  it('subscribe passes event arrays only (never the IPC event) and unsubscribes', () => {
    const ipc = loadPreload();
    const bridge = ipc.exposed.get('switchboard') as { subscribe(l: (...args: unknown[]) => void): () => void };
    const got: unknown[][] = [];
    const off = bridge.subscribe((...args) => got.push(args));
    const bad = bridge.subscribe(() => {
      throw new Error('listener bug');
    });
    ipc.emit('switchboard:events', [{ type: 'catcher.removed', id: 'a' }]);
    ipc.emit('switchboard:events', 'not an array');
    expect(got).toEqual([[[{ type: 'catcher.removed', id: 'a' }]]]);
    off();
    bad();
    ipc.emit('switchboard:events', [{ type: 'catcher.removed', id: 'b' }]);
    expect(got).toHaveLength(1);
    expect(() => bridge.subscribe('nope' as never)).toThrow('subscribe needs a function');
  });
});

describe('built main (out/main/index.js)', () => {
  it('is valid JavaScript (syntax-checked by node)', () => {
    built(MAIN);
    expect(() => execFileSync(process.execPath, ['--check', MAIN], { stdio: 'pipe' })).not.toThrow();
  });

  it('loads the preload and renderer from the paths the build writes', () => {
    const source = built(MAIN);
    expect(source).toContain('../preload/index.cjs');
    expect(source).toContain('../renderer/index.html');
    expect(existsSync(path.join(ROOT, 'out/renderer/index.html'))).toBe(true);
  });
});
