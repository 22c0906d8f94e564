import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sign as ghSign } from '@octokit/webhooks-methods';
import { createEngine } from '../../../src/engine';
import { eventually, lastCapture, post } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'sb-wt-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('after an engine restart', () => {
  it('secrets, rules and first deliveries survive; secrets are not stored in clear when a box encrypts', async () => {
    const box = {
      kind: 'os-encrypted' as const,
      encrypt: (p: string) => Buffer.from(p, 'utf8').reverse().toString('base64'),
      decrypt: (d: string) => Buffer.from(d, 'base64').reverse().toString('utf8'),
    };
    let engine = await createEngine({ dataDir: dir, secretBox: box });
    const c = await engine.invoke('catchers.create', { name: 'persist', port: 0 });
    await engine.invoke('webhookTools.secrets.add', { catcherId: c.id, scheme: 'github', secret: 'persisted-secret' });
    await engine.invoke('webhookTools.config.update', { catcherId: c.id, rules: [{ id: 'r1', pathGlob: '/rule', response: { status: 299 } }] });
    await post(`${c.url!}/first`, [['X-GitHub-Delivery', 'same-id']], 'x');
    const first = await lastCapture(engine, c.id);
    await engine.close();
    expect(readFileSync(path.join(dir, 'webhook-tools.json'), 'utf8')).not.toContain('persisted-secret');

    engine = await createEngine({ dataDir: dir, secretBox: box });
    try {
      const url = (await eventually(engine, async () => (await engine.invoke('catchers.list', {})).find((x) => x.id === c.id && x.url)))!.url!;
      const body = '{"zen":"ok"}';
      await post(`${url}/again`, [['X-GitHub-Delivery', 'same-id'], ['X-Hub-Signature-256', await ghSign('persisted-secret', body)]], body);
      const again = await eventually(engine, async () => {
        const x = await lastCapture(engine, c.id);
        return x.id !== first.id ? x : null;
      });
      expect(again.signatureStatus).toBe('valid');
      expect(again.duplicateOf).toBe(first.id);
      expect((await post(`${url}/rule`, [], '')).status).toBe(299);
    } finally {
      await engine.close();
    }
  });
});
