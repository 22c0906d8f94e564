import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { har as harValidate } from 'har-validator';
import { curl, tmpDir } from './helpers';
import { runCli, startCli, type CliRun } from './cliProcess';

// `captures list` and `captures export` only read: they must work while another Switchboard (the
// desktop app, `serve`, `catch`) holds the data directory's store lock, instead of failing with
// STORE_LOCKED.
const dir = tmpDir('sb-cli-alongside-');
const running: CliRun[] = [];
afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stop(run: CliRun): Promise<void> {
  run.child.kill('SIGINT');
  await run.exited;
}

describe('captures list/export next to a running Switchboard', { timeout: 90_000 }, () => {
  it('read the store while catch is capturing, and while serve holds it', async () => {
    const catcher = startCli(['catch', '--json', '--data-dir', dir]);
    running.push(catcher);
    const { url } = JSON.parse(await catcher.next((l) => l.includes('"listening"'))) as { url: string };
    await curl(['-o', '/dev/null', '--data', '{"n":1}', '-H', 'Content-Type: application/json', `${url}/one`]);
    await catcher.next((l) => l.includes('"/one"'));

    // catch holds the lock (a second writer is refused) …
    const second = await runCli(['catch', '--json', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another Switchboard process/);
    // … and the readers still work, seeing what it has stored so far.
    const live = await runCli(['captures', 'list', '--json', '--data-dir', dir]);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    expect(live.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { capture: { url: string } }).capture.url)).toEqual(['/one']);
    await curl(['-o', '/dev/null', '--data', 'two', `${url}/two`]);
    await catcher.next((l) => l.includes('"/two"'));
    const later = await runCli(['captures', 'list', '--json', '--data-dir', dir]);
    expect(later.stdout.trim().split('\n')).toHaveLength(2);
    await stop(catcher);

    const serve = startCli(['serve', '--port', '0', '--json', '--no-open', '--data-dir', dir]);
    running.push(serve);
    await serve.next((l) => l.includes('"listening"'));
    const locked = await runCli(['catch', '--json', '--data-dir', dir]);
    expect(locked.code).toBe(1);

    const list = await runCli(['captures', 'list', '--data-dir', dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('/one');
    expect(list.stdout).toContain('/two');
    const exported = await runCli(['captures', 'export', '--format', 'har', '--data-dir', dir]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const har = JSON.parse(exported.stdout) as { log: { entries: Array<{ request: { url: string; postData?: { text?: string } } }> } };
    await harValidate(har);
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/one', '/two']);
    expect(har.log.entries[0]?.request.postData?.text).toBe('{"n":1}');
    await stop(serve);
  });
});
