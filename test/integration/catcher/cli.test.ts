import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curl, tmpDir } from './helpers';
import { runCli, startCli } from './cliProcess';

const dir = tmpDir('sb-cli-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface CaptureLine {
  id: string;
  receivedAt: string;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  bodySize: number;
  bodyTruncated: boolean;
  bodyBase64: string;
  responseStatus: number;
}

describe('switchboard catch / captures (CLI)', { timeout: 90_000 }, () => {
  const file = path.join(dir, 'payload.bin');
  const bytes = randomBytes(40_000);
  fs.writeFileSync(file, bytes);

  it('catch --json prints listening, one line per request, and stops cleanly on SIGINT', async () => {
    const run = startCli(['catch', '--json', '--data-dir', dir, '--status', '202', '--body', 'thanks', '--name', 'cli-test']);
    const listening = JSON.parse(await run.next((l) => l.includes('"listening"'))) as { url: string; port: number };
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const r1 = await curl(['-w', '%{http_code}', '-H', 'X-Test: One', '-H', 'Content-Type: application/json', '--data', '{"n":1}', `${listening.url}/a?b=c`]);
    expect(r1.stdout).toBe('thanks202');
    await curl(['-o', '/dev/null', '--data-binary', `@${file}`, `${listening.url}/bin`]);
    await curl(['-o', '/dev/null', '-X', 'DELETE', `${listening.url}/gone`]);

    const lines = async (): Promise<CaptureLine[]> => {
      await run.next((l) => l.includes('"/gone"'));
      return run.lines.filter((l) => l.includes('"type":"capture"')).map((l) => (JSON.parse(l) as { capture: CaptureLine }).capture);
    };
    const caps = await lines();
    expect(caps.map((c) => [c.method, c.url])).toEqual([['POST', '/a?b=c'], ['POST', '/bin'], ['DELETE', '/gone']]);
    expect(caps[0]!.headers.slice(2, 4)).toEqual([['Accept', '*/*'], ['X-Test', 'One']]);
    expect(Buffer.from(caps[0]!.bodyBase64, 'base64').toString()).toBe('{"n":1}');
    expect(createHash('sha256').update(Buffer.from(caps[1]!.bodyBase64, 'base64')).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(caps[1]!.bodySize).toBe(bytes.length);
    expect(caps[0]!.receivedAt).toMatch(/Z$/);
    expect(caps.every((c) => c.responseStatus === 202 && c.bodyTruncated === false && /^c[0-9a-z]+$/.test(c.id))).toBe(true);

    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
    expect(run.lines.at(-1)).toBe('{"type":"closed"}');
  });

  it('captures list --json prints the same shape, oldest first', async () => {
    const r = await runCli(['captures', 'list', '--json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const caps = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string; capture: CaptureLine }));
    expect(caps.every((c) => c.type === 'capture')).toBe(true);
    expect(caps.map((c) => c.capture.url)).toEqual(['/a?b=c', '/bin', '/gone']);
    expect(Buffer.from(caps[1]!.capture.bodyBase64, 'base64').equals(bytes)).toBe(true);
    const human = await runCli(['captures', 'list', '--data-dir', dir]);
    expect(human.stdout.trim().split('\n')).toHaveLength(3);
    expect(human.stdout).toContain('DELETE  /gone');
  });

  it('captures export --format har writes a log har-validator accepts', async () => {
    const out = path.join(dir, 'out.har');
    const r = await runCli(['captures', 'export', '--format', 'har', '--data-dir', dir, '--out', out]);
    expect(r.code).toBe(0);
    const har = JSON.parse(fs.readFileSync(out, 'utf8')) as { log: { entries: Array<{ request: { url: string; method: string } }> } };
    const validator = await import('har-validator');
    await expect(validator.har(har)).resolves.toMatchObject({ log: { version: '1.2' } });
    expect(har.log.entries.map((e) => e.request.method)).toEqual(['POST', 'POST', 'DELETE']);
    expect((await runCli(['captures', 'export', '--data-dir', dir])).code).toBe(2);
  });

  it('rejects bad flags with exit code 2 and a taken port with exit code 1', async () => {
    const bad = await runCli(['catch', '--status', '999', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status 999/);
    const first = startCli(['catch', '--json', '--data-dir', dir]);
    const { port } = JSON.parse(await first.next((l) => l.includes('"listening"'))) as { port: number };
    const clash = await runCli(['catch', '--json', '--port', String(port), '--data-dir', tmpDir('sb-cli2-')]);
    expect(clash.code).toBe(1);
    expect(clash.stdout).toContain('CATCHER_PORT_IN_USE');
    // A second writer on the same data directory is refused, not allowed to corrupt it.
    const locked = await runCli(['catch', '--json', '--data-dir', dir]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/in use by another Switchboard process/);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
