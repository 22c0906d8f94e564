import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { runCli, startCli } from '../catcher/cliProcess';
import { post, startServer, type TestServer } from './helpers';

// The CLI flags end to end, in real processes: catch --secret/--forward, captures replay --resign.
const stripe = new Stripe('sk_test_oracle');
const SECRET = 'whsec_cli_secret';
let dir: string;
let app: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sb-wt-cli-'));
  app = await startServer((r) => {
    if (r.url.startsWith('/verify')) {
      const sig = r.headers.find(([n]) => n.toLowerCase() === 'stripe-signature')?.[1] ?? '';
      try {
        stripe.webhooks.constructEvent(r.body, sig, SECRET);
        return { status: 200, body: 'verified' };
      } catch {
        return { status: 400, body: 'bad signature' };
      }
    }
    return { status: 201, body: createHash('sha256').update(r.body).digest('hex') };
  });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('switchboard catch with webhook tools', () => {
  it('prints signature and forward results, then replays re-signed', async () => {
    const run = startCli(['catch', '--json', '--port', '0', '--data-dir', dir, '--secret', `stripe:${SECRET}`, '--secret', 'github:gh', '--forward', `${app.url}/app`]);
    try {
      const listening = JSON.parse(await run.next((l) => l.includes('"listening"'))) as { url: string };
      const tools = JSON.parse(await run.next((l) => l.includes('"webhookTools"'))) as { secrets: string[] };
      expect(tools.secrets).toEqual(['stripe', 'github']);
      const payload = '{"id":"evt_cli","object":"event"}';
      const old = Math.floor(Date.now() / 1000) - 1000;
      await post(`${listening.url}/a`, [['Content-Type', 'application/json'], ['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET })]], payload);
      await post(`${listening.url}/b`, [['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET })]], payload.replace('cli', 'clj'));
      await post(`${listening.url}/c`, [['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: old })]], payload);
      await post(`${listening.url}/d`, [], 'plain');
      const lines: Array<{ capture: { id: string; url: string; signature?: { scheme: string; status: string; reason: string }; forward?: { status?: number; durationMs: number } } }> = [];
      for (const p of ['/a', '/b', '/c', '/d']) lines.push(JSON.parse(await run.next((l) => l.includes('"capture"') && l.includes(`"url":"${p}"`))));
      expect(lines.map((l) => l.capture.signature?.status)).toEqual(['valid', 'invalid', 'expired', 'unsigned']);
      expect(lines[1]!.capture.signature?.reason).toContain('expected');
      for (const l of lines) {
        expect(l.capture.forward?.status).toBe(201);
        expect(typeof l.capture.forward?.durationMs).toBe('number');
      }
      expect(app.requests.find((r) => r.url === '/app/d')?.body.toString()).toBe('plain');

      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);

      const stale = lines[2]!.capture.id;
      const plain = await runCli(['captures', 'replay', stale, '--to', `${app.url}/verify`, '--json', '--data-dir', dir]);
      expect(plain.code).toBe(0);
      expect(JSON.parse(plain.stdout).outcome.status).toBe(400);
      const resigned = await runCli(['captures', 'replay', stale, '--to', `${app.url}/verify`, '--resign', '--json', '--data-dir', dir]);
      const r = JSON.parse(resigned.stdout);
      expect(r.resigned.ok).toBe(true);
      expect(r.outcome.status).toBe(200);
      // Without --to, the catcher's forward target (+ the path) is used.
      const toForward = await runCli(['captures', 'replay', lines[3]!.capture.id, '--json', '--data-dir', dir]);
      expect(JSON.parse(toForward.stdout).url).toBe(`${app.url}/app/d`);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('a down forward target is reported per capture; bad flags are usage errors', async () => {
    const down = await startServer(() => ({ status: 200 }));
    await down.close();
    const run = startCli(['catch', '--json', '--port', '0', '--data-dir', dir, '--forward', down.url, '--answer-from-target']);
    try {
      const listening = JSON.parse(await run.next((l) => l.includes('"listening"'))) as { url: string };
      await run.next((l) => l.includes('"webhookTools"'));
      const res = await post(`${listening.url}/x`, [], 'x');
      expect(res.status).toBe(502);
      const line = JSON.parse(await run.next((l) => l.includes('"capture"')));
      expect(line.capture.forward.error.code).toBe('HTTP_CONNECTION_REFUSED');
      run.child.kill('SIGINT');
      await run.exited;
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
    const bad = await runCli(['catch', '--secret', 'acme:xyz', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SCHEME');
    const bad2 = await runCli(['catch', '--answer-from-target', '--data-dir', dir]);
    expect(bad2.code).toBe(2);
  });
});
