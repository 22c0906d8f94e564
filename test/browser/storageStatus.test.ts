import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp, startServe, type AppSession, type Served } from './harness';

// When the store cannot write (here: its body file is /dev/full, so every write fails with ENOSPC),
// a sender gets 503 and the status bar says why, in the real UI through the web door.

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('storage problems in the status bar', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-browser-full-'));
  let server: Served | undefined;
  let app: AppSession | undefined;
  afterAll(async () => {
    await app?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a disk-full write answers 503 and the status bar shows the storage problem', async () => {
    mkdirSync(join(dataDir, 'captures'), { recursive: true });
    symlinkSync('/dev/full', join(dataDir, 'captures', '000001.body'));
    const port = await freePort();
    // A catcher that was running when the data directory was last used comes back on start.
    writeFileSync(
      join(dataDir, 'catchers.json'),
      JSON.stringify({ version: 1, catchers: [{ id: 'full-disk', settings: { name: 'full disk', port }, running: true, lastPort: port }] }),
    );
    server = await startServe({ dataDir });
    app = await openApp({ server, viewport: { width: 1280, height: 800 } });
    const res = await fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const problem = app.page.getByTestId('store-error');
    await problem.waitFor({ timeout: 10_000 });
    expect(await problem.textContent()).toMatch(/Storage problem/);
    expect(await problem.getAttribute('title')).toMatch(/^STORE_WRITE_FAILED: /);
    expect(app.errors).toEqual([]);
  });
});
