import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineAt, request, tmpDir } from './helpers';

const dirs: string[] = [];
function dir(): string {
  const d = tmpDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('catcher lifecycle', () => {
  it('keeps catchers and captures across a restart; running catchers come back on the same URL', async () => {
    const d = dir();
    const first = await engineAt(d);
    const a = await first.engine.invoke('catchers.create', { name: 'a' });
    const b = await first.engine.invoke('catchers.create', { name: 'b' });
    await first.engine.invoke('catchers.stop', { id: b.id });
    for (let i = 0; i < 20; i++) await request(`${a.url}/r${i}`, { method: 'POST', headers: { 'Content-Length': '2' }, body: Buffer.from(`${i % 10}${i % 10}`) });
    await first.engine.close();
    expect(JSON.parse(fs.readFileSync(path.join(d, 'catchers.json'), 'utf8')).catchers).toHaveLength(2);

    const second = await engineAt(d);
    const list = await second.engine.invoke('catchers.list', {});
    const a2 = list.find((c) => c.id === a.id)!;
    const b2 = list.find((c) => c.id === b.id)!;
    expect(a2).toMatchObject({ status: 'running', url: a.url, captureCount: 20 });
    expect(b2.status).toBe('stopped');
    const { items, total } = await second.engine.invoke('captures.list', { limit: 100 });
    expect(total).toBe(20);
    expect(items.map((i) => i.url)).toEqual(Array.from({ length: 20 }, (_, i) => `/r${i}`));
    expect((await second.engine.invoke('captures.body', { id: items[13]!.id })).base64).toBe(Buffer.from('33').toString('base64'));
    await second.engine.close();
  });

  it('restores a catcher whose port is now taken as status error with CATCHER_PORT_IN_USE', async () => {
    const d = dir();
    const first = await engineAt(d);
    const a = await first.engine.invoke('catchers.create', { name: 'fixed' });
    await first.engine.invoke('catchers.update', { id: a.id, settings: { port: a.boundPort! } });
    await first.engine.close();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(a.boundPort!, '127.0.0.1', () => r()));
    try {
      const second = await engineAt(d);
      const [c] = await second.engine.invoke('catchers.list', {});
      expect(c).toMatchObject({ status: 'error', error: { code: 'CATCHER_PORT_IN_USE' } });
      await expect(second.engine.invoke('catchers.start', { id: a.id })).rejects.toMatchObject({ code: 'CATCHER_PORT_IN_USE' });
      await second.engine.close();
    } finally {
      blocker.close();
    }
  });

  it('clears captures per catcher and all, and deletes catchers with their captures', async () => {
    const { engine, events } = await engineAt(dir());
    const a = await engine.invoke('catchers.create', { name: 'a' });
    const b = await engine.invoke('catchers.create', { name: 'b' });
    for (const c of [a, a, b, b, b]) await request(`${c.url}/x`);
    expect(await engine.invoke('captures.clear', { catcherId: a.id })).toEqual({ removed: 2 });
    expect(events.some((e) => e.type === 'captures.cleared' && e.catcherId === a.id)).toBe(true);
    expect((await engine.invoke('captures.list', { limit: 10 })).total).toBe(3);
    await engine.invoke('catchers.delete', { id: b.id, deleteCaptures: true });
    expect(events.some((e) => e.type === 'catcher.removed' && e.id === b.id)).toBe(true);
    expect((await engine.invoke('captures.list', { limit: 10 })).total).toBe(0);
    expect((await engine.invoke('catchers.list', {})).map((c) => c.id)).toEqual([a.id]);
    await expect(engine.invoke('captures.get', { id: 'c000001' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.close();
  });

  it('runs hooks: annotations stored with the capture, a hook answer, and later annotate()', async () => {
    const { engine, events } = await engineAt(dir());
    const after: number[] = [];
    engine.deps.catchers.setHooks({
      annotate: ({ capture, body }) => ({
        deliveryId: capture.headers.find(([k]) => k === 'X-Delivery')?.[1] ?? null,
        signature: { scheme: null, status: body.length > 3 ? 'valid' : 'unsigned', reason: null },
      }),
      respond: async ({ capture }) => (capture.url === '/mock' ? { status: 202, headers: [['X-Rule', 'r1']], body: 'mocked', annotations: { ruleId: 'r1' } } : null),
      afterResponse: ({ response }) => after.push(response.status),
    });
    const c = await engine.invoke('catchers.create', { name: 'hooks' });
    const r = await request(`${c.url}/mock`, { method: 'POST', headers: { 'X-Delivery': 'd-1', 'Content-Length': '5' }, body: Buffer.from('hello') });
    expect(r.status).toBe(202);
    expect(r.body.toString()).toBe('mocked');
    await request(`${c.url}/plain`);
    const { items } = await engine.invoke('captures.list', { limit: 10 });
    expect(items.map((i) => [i.url, i.responseStatus, i.signatureStatus])).toEqual([
      ['/mock', 202, 'valid'],
      ['/plain', 200, 'unsigned'],
    ]);
    const full = await engine.invoke('captures.get', { id: items[0]!.id });
    expect(full.annotations).toMatchObject({ deliveryId: 'd-1', ruleId: 'r1', signature: { status: 'valid' } });
    expect(after).toEqual([202, 200]);
    expect(events.some((e) => e.type === 'capture.updated' && e.capture.id === items[0]!.id)).toBe(true);

    const patched = await engine.deps.catchers.annotate(items[1]!.id, { annotations: { duplicateOf: items[0]!.id } });
    expect(patched?.duplicateOf).toBe(items[0]!.id);
    expect((await engine.deps.catchers.readBody(items[0]!.id))?.toString()).toBe('hello');
    await engine.close();
  });

  it('answers 503 and emits engine.storeError when the store cannot write', async () => {
    const d = dir();
    fs.mkdirSync(path.join(d, 'captures'), { recursive: true });
    fs.symlinkSync('/dev/full', path.join(d, 'captures', '000001.body'));
    const { engine, events } = await engineAt(d);
    const c = await engine.invoke('catchers.create', { name: 'full' });
    const r = await request(`${c.url}/x`, { method: 'POST', headers: { 'Content-Length': '100' }, body: Buffer.alloc(100, 1) });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body.toString()).message).toMatch(/could not save/);
    const ev = events.find((e) => e.type === 'engine.storeError');
    expect(ev && ev.type === 'engine.storeError' && ev.error?.code).toBe('STORE_WRITE_FAILED');
    expect((await engine.invoke('engine.info', {})).storeError?.code).toBe('STORE_WRITE_FAILED');
    expect((await engine.invoke('captures.list', { limit: 10 })).total).toBe(0);
    await engine.close();
  });
});
