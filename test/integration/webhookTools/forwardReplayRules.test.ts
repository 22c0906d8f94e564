import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { sign as ghSign, verify as ghVerify } from '@octokit/webhooks-methods';
import type { Engine } from '../../../src/engine';
import { eventually, lastCapture, newCatcher, post, startServer, withEngine, type TestServer } from './helpers';

const stripe = new Stripe('sk_test_oracle');
const STRIPE = 'whsec_replay_secret';
const STANDARD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let engine: Engine;
let done: () => Promise<void>;
let app: TestServer;

beforeAll(async () => {
  ({ engine, done } = await withEngine());
  // The "app being built": verifies with the vendors' own libraries, echoes what it got.
  app = await startServer((r) => {
    const get = (n: string) => r.headers.find(([k]) => k.toLowerCase() === n)?.[1] ?? '';
    if (r.url.startsWith('/app/stripe')) {
      try {
        const ev = stripe.webhooks.constructEvent(r.body, get('stripe-signature'), STRIPE);
        return { status: 200, body: `ok ${ev.id}` };
      } catch (err) {
        return { status: 400, body: String(err) };
      }
    }
    if (r.url.startsWith('/app/standard')) {
      try {
        new StandardWebhook(STANDARD).verify(r.body.toString(), { 'webhook-id': get('webhook-id'), 'webhook-timestamp': get('webhook-timestamp'), 'webhook-signature': get('webhook-signature') });
        return { status: 200, body: 'ok' };
      } catch (err) {
        return { status: 400, body: String(err) };
      }
    }
    return { status: 201, headers: { 'X-App': 'yes', 'Content-Type': 'text/plain' }, body: `sha ${sha(r.body)} ${r.method} ${r.url}` };
  });
});
afterAll(async () => {
  await done();
  await app.close();
});

describe('forward', () => {
  it('relays exact bytes, path suffix, headers; records the target answer', async () => {
    const c = await newCatcher(engine, 'fwd');
    await engine.invoke('webhookTools.config.update', { catcherId: c.id, forward: { target: `${app.url}/base`, answerMode: 'configured' } });
    const body = randomBytes(64 * 1024);
    const r = await post(`${c.url}/deep/path?x=1&y=%20`, [['Content-Type', 'application/octet-stream'], ['X-Custom', 'Keep-Me'], ['Connection', 'keep-alive']], body);
    expect(r.status).toBe(200); // our configured answer, not the target's 201
    const capture = await lastCapture(engine, c.id);
    const fwd = await eventually(engine, async () => (await engine.invoke('captures.get', { id: capture.id })).annotations?.forward);
    expect('status' in fwd && fwd.status).toBe(201);
    const got = app.requests.at(-1)!;
    expect(sha(got.body)).toBe(sha(body));
    expect(got.url).toBe('/base/deep/path?x=1&y=%20');
    const names = got.headers.map(([n]) => n.toLowerCase());
    expect(got.headers).toContainEqual(['X-Custom', 'Keep-Me']);
    expect(got.headers.find(([n]) => n.toLowerCase() === 'host')?.[1]).toBe(new URL(app.url).host);
    expect(names).toContain('x-forwarded-for');
    expect(got.headers.find(([n]) => n === 'X-Forwarded-Host')?.[1]).toBe(new URL(c.url).host);
    if ('status' in fwd) {
      expect(fwd.headers).toContainEqual(['X-App', 'yes']);
      expect(Buffer.from(fwd.bodyBase64, 'base64').toString()).toContain(sha(body));
    }
  });

  it('answer-from-target passes the response through; a down target gives 502 and keeps the capture', async () => {
    const c = await newCatcher(engine, 'pass');
    await engine.invoke('webhookTools.config.update', { catcherId: c.id, forward: { target: app.url, answerMode: 'target' } });
    const r = await post(`${c.url}/thing`, [['Content-Type', 'text/plain']], 'hello');
    expect(r.status).toBe(201);
    expect(r.headers['x-app']).toBe('yes');
    expect(r.body.toString()).toContain(sha(Buffer.from('hello')));
    // The answered status is recorded just after the answer goes out.
    await eventually(engine, async () => ((await lastCapture(engine, c.id)).responseStatus === 201 ? true : null));

    const dead = await startServer(() => ({ status: 200 }));
    await dead.close();
    await engine.invoke('webhookTools.config.update', { catcherId: c.id, forward: { target: dead.url } });
    const r2 = await post(`${c.url}/down`, [], 'x');
    expect(r2.status).toBe(502);
    const cap = await eventually(engine, async () => {
      const x = await lastCapture(engine, c.id);
      return x.url === '/down' && x.responseStatus === 502 ? x : null;
    });
    const fwd = cap.annotations?.forward;
    expect(fwd && 'error' in fwd && fwd.error.code).toBe('HTTP_CONNECTION_REFUSED');
  });
});

describe('replay', () => {
  it('re-signed Stripe and Standard Webhooks replays are accepted by the vendor verifiers; unsigned stale ones are not', async () => {
    const c = await newCatcher(engine, 'replay');
    await engine.invoke('webhookTools.secrets.add', { catcherId: c.id, scheme: 'stripe', secret: STRIPE });
    await engine.invoke('webhookTools.secrets.add', { catcherId: c.id, scheme: 'standard', secret: STANDARD });
    const payload = JSON.stringify({ id: 'evt_replay', object: 'event', type: 'x' });
    const old = Math.floor(Date.now() / 1000) - 3600;
    await post(`${c.url}/s`, [['Content-Type', 'application/json'], ['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE, timestamp: old })]], payload);
    const sc = await lastCapture(engine, c.id);
    expect(sc.signatureStatus).toBe('expired');
    const plain = await engine.invoke('webhookTools.replay', { ids: [sc.id], to: `${app.url}/app/stripe` });
    expect(plain.results[0]!.outcome.ok && plain.results[0]!.outcome.status).toBe(400);
    const resigned = await engine.invoke('webhookTools.replay', { ids: [sc.id], to: `${app.url}/app/stripe`, resign: true });
    const res = resigned.results[0]!;
    expect(res.resigned?.ok).toBe(true);
    expect(res.outcome.ok && res.outcome.status).toBe(200);
    expect(res.outcome.ok && Buffer.from(res.outcome.bodyBase64, 'base64').toString()).toBe('ok evt_replay');

    const wh = new StandardWebhook(STANDARD);
    await post(`${c.url}/w`, [['webhook-id', 'msg_1'], ['webhook-timestamp', String(old)], ['webhook-signature', wh.sign('msg_1', new Date(old * 1000), payload)]], payload);
    const wc = await lastCapture(engine, c.id);
    const r2 = await engine.invoke('webhookTools.replay', { ids: [wc.id], to: `${app.url}/app/standard`, resign: true });
    expect(r2.results[0]!.outcome.ok && r2.results[0]!.outcome.status).toBe(200);
  });

  it('replays to the forward target with edits, re-signing the edited body (GitHub)', async () => {
    const c = await newCatcher(engine, 'edit');
    await engine.invoke('webhookTools.secrets.add', { catcherId: c.id, scheme: 'github', secret: 'gh' });
    await engine.invoke('webhookTools.config.update', { catcherId: c.id, forward: { target: `${app.url}/fwd` } });
    const body = '{"action":"opened"}';
    await post(`${c.url}/gh`, [['Content-Type', 'application/json'], ['X-Hub-Signature-256', await ghSign('gh', body)]], body);
    const cap = await lastCapture(engine, c.id);
    const edited = '{"action":"closed"}';
    const r = await engine.invoke('webhookTools.replay', { ids: [cap.id], resign: true, edits: { bodyBase64: Buffer.from(edited).toString('base64') } });
    expect(r.results[0]!.url).toBe(`${app.url}/fwd/gh`);
    const got = app.requests.at(-1)!;
    expect(got.body.toString()).toBe(edited);
    const sig = got.headers.find(([n]) => n.toLowerCase() === 'x-hub-signature-256')![1];
    expect(await ghVerify('gh', edited, sig)).toBe(true);
    // No forward target and no URL: a clear error, per capture.
    const c2 = await newCatcher(engine, 'nofwd');
    await post(`${c2.url}/x`, [], 'x');
    const r3 = await engine.invoke('webhookTools.replay', { ids: [(await lastCapture(engine, c2.id)).id] });
    expect(!r3.results[0]!.outcome.ok && r3.results[0]!.outcome.error.code).toBe('FORWARD_NOT_CONFIGURED');
  });
});

describe('mock rules, duplicates, search', () => {
  it('first matching rule answers with templating and is recorded; others get the default', async () => {
    const c = await newCatcher(engine, 'rules');
    await engine.invoke('webhookTools.config.update', {
      catcherId: c.id,
      rules: [
        { id: 'r-get', methods: ['GET'], response: { status: 204, body: '' } },
        {
          id: 'r-order',
          name: 'orders',
          pathGlob: '/orders/*',
          headers: [{ name: 'x-shop', kind: 'equals', value: 'acme' }],
          body: { kind: 'json', path: 'order.total', value: '' },
          response: { status: 202, headers: [['X-Echo', '{{request.headers.x-shop}}']], body: '{"got":"{{request.body.order.total}}","m":"{{request.method}}","q":"{{request.query.v}}"}', delayMs: 0 },
        },
        { id: 'r-bad', pathGlob: '/orders/**', response: { status: 500 } },
      ],
    });
    const r = await post(`${c.url}/orders/42?v=2`, [['X-Shop', 'acme'], ['Content-Type', 'application/json']], '{"order":{"total":17.5}}');
    expect(r.status).toBe(202);
    expect(r.headers['x-echo']).toBe('acme');
    expect(JSON.parse(r.body.toString())).toEqual({ got: '17.5', m: 'POST', q: '2' });
    const cap = await eventually(engine, async () => {
      const x = await lastCapture(engine, c.id);
      return x.annotations?.ruleId ? x : null;
    });
    expect(cap.annotations?.ruleId).toBe('r-order');
    expect(cap.responseStatus).toBe(202);
    expect((await post(`${c.url}/orders/a/b`, [], 'x')).status).toBe(500);
    expect((await post(`${c.url}/other`, [], 'x')).status).toBe(200);
    await expect(engine.invoke('webhookTools.config.update', { catcherId: c.id, rules: [{ id: 'x', name: 'broken', headers: [{ name: 'a', kind: 'regex', value: '([' }], response: {} }] })).rejects.toMatchObject({ code: 'RULE_INVALID' });
  });

  it('retries with the same delivery id are marked duplicates of the first, and search finds things', async () => {
    const c = await newCatcher(engine, 'dups');
    const gh = [['X-GitHub-Delivery', 'd-1'], ['Content-Type', 'application/json']] as Array<[string, string]>;
    await post(`${c.url}/gh`, gh, '{"n":1}');
    const first = await lastCapture(engine, c.id);
    await post(`${c.url}/gh`, gh, '{"n":1}');
    const second = await eventually(engine, async () => {
      const x = await lastCapture(engine, c.id);
      return x.id !== first.id && x.duplicateOf ? x : null;
    });
    expect(second.duplicateOf).toBe(first.id);
    expect((await engine.invoke('captures.get', { id: first.id })).duplicateOf ?? null).toBeNull();
    await post(`${c.url}/evt`, [['Content-Type', 'application/json']], '{"id":"evt_77","object":"event"}');
    await post(`${c.url}/evt`, [['Content-Type', 'application/json']], '{"id":"evt_77","object":"event"}');
    await post(`${c.url}/q?customer=Zoë+Smith`, [['X-Trace', 'needle-123']], 'plain body with haystack');

    const search = (p: Record<string, unknown>) => engine.invoke('webhookTools.search', { catcherId: c.id, ...p });
    expect((await search({ duplicates: 'only' })).total).toBe(2);
    expect((await search({ duplicates: 'exclude' })).total).toBe(3);
    expect((await search({ header: 'needle-1' })).items.map((i) => i.url)).toEqual(['/q?customer=Zo%C3%AB+Smith']);
    expect((await search({ query: 'zoë smith' })).total).toBe(1);
    expect((await search({ body: 'HAYSTACK' })).total).toBe(1);
    expect((await search({ methods: ['GET'] })).total).toBe(0);
    expect((await search({ statuses: ['2xx'] })).total).toBe(5);
    expect((await search({ signatureStatuses: ['unsigned'] })).total).toBe(5);
    expect((await search({ from: new Date(Date.now() + 60_000).toISOString() })).total).toBe(0);
  });
});
