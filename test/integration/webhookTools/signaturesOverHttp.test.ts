import { createHash, createHmac, generateKeyPairSync, sign as edSign } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { sign as ghSign } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { verifyKey } from 'discord-interactions';
import type { Engine } from '../../../src/engine';
import { lastCapture, newCatcher, post, withEngine } from './helpers';

// Vendor libraries sign; real HTTP delivers to a real catcher; the capture must say the truth.
const stripe = new Stripe('sk_test_oracle');
const STRIPE = 'whsec_integration_stripe';
const GITHUB = 'gh-secret';
const STANDARD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TWILIO = 'twilio-auth-token';
const PADDLE = 'pdl_ntfset_01abc_secret';

let engine: Engine;
let done: () => Promise<void>;
let catcher: { id: string; url: string };
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const DISCORD = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');

beforeAll(async () => {
  ({ engine, done } = await withEngine());
  catcher = await newCatcher(engine);
  for (const [scheme, secret] of [
    ['stripe', STRIPE],
    ['github', GITHUB],
    ['standard', STANDARD],
    ['twilio', TWILIO],
    ['paddle', PADDLE],
    ['discord', DISCORD],
  ] as const) {
    await engine.invoke('webhookTools.secrets.add', { catcherId: catcher.id, scheme, secret });
  }
});
afterAll(async () => done());

const payload = JSON.stringify({ id: 'evt_123', object: 'event', type: 'invoice.paid', data: { object: { amount: 999, note: 'naïve ✓' } } });
const now = () => Math.floor(Date.now() / 1000);

async function deliver(headers: Array<[string, string]>, body: string | Buffer, path = '/hook') {
  const r = await post(catcher.url + path, [['Content-Type', 'application/json'], ...headers], body);
  expect(r.status).toBe(200);
  const c = await lastCapture(engine, catcher.id);
  return c;
}

describe('signatures over HTTP', () => {
  it('Stripe: valid, tampered, wrong secret, stale', async () => {
    const h = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE, timestamp: now() });
    let c = await deliver([['Stripe-Signature', h]], payload);
    expect(c.signatureStatus).toBe('valid');
    expect(c.annotations?.signature?.scheme).toBe('stripe');
    c = await deliver([['Stripe-Signature', h]], payload.replace('999', '998'));
    expect(c.signatureStatus).toBe('invalid');
    expect(c.annotations?.signature?.reason).toMatch(/expected [0-9a-f]{64}, received [0-9a-f]{64}/);
    const wrong = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_wrong', timestamp: now() });
    expect((await deliver([['Stripe-Signature', wrong]], payload)).signatureStatus).toBe('invalid');
    const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE, timestamp: now() - 3600 });
    c = await deliver([['Stripe-Signature', stale]], payload);
    expect(c.signatureStatus).toBe('expired');
    expect(c.annotations?.signature?.skewSeconds).toBeGreaterThanOrEqual(3599);
    expect(c.annotations?.signature?.reason).toContain('300 s');
  });

  it('GitHub: valid and tampered; unsigned and no-secret', async () => {
    const h = await ghSign(GITHUB, payload);
    expect((await deliver([['X-Hub-Signature-256', h], ['X-GitHub-Event', 'push']], payload)).signatureStatus).toBe('valid');
    expect((await deliver([['X-Hub-Signature-256', h]], payload + ' ')).signatureStatus).toBe('invalid');
    expect((await deliver([], payload)).signatureStatus).toBe('unsigned');
    expect((await deliver([['X-Slack-Signature', 'v0=00'], ['X-Slack-Request-Timestamp', String(now())]], payload)).signatureStatus).toBe('no-secret');
  });

  it('Standard Webhooks and Svix: valid, wrong secret, stale', async () => {
    const wh = new StandardWebhook(STANDARD);
    const id = 'msg_abc';
    const ts = now();
    const sig = wh.sign(id, new Date(ts * 1000), payload);
    expect((await deliver([['webhook-id', id], ['webhook-timestamp', String(ts)], ['webhook-signature', sig]], payload)).signatureStatus).toBe('valid');
    const other = new SvixWebhook('whsec_' + Buffer.from('another-secret-key').toString('base64'));
    const bad = other.sign(id, new Date(ts * 1000), payload);
    expect((await deliver([['svix-id', id], ['svix-timestamp', String(ts)], ['svix-signature', bad]], payload)).signatureStatus).toBe('invalid');
    const old = ts - 1000;
    const staleSig = new SvixWebhook(STANDARD).sign(id, new Date(old * 1000), payload);
    expect((await deliver([['svix-id', id], ['svix-timestamp', String(old)], ['svix-signature', staleSig]], payload)).signatureStatus).toBe('expired');
  });

  it('Twilio form post signed for the URL that reached the catcher', async () => {
    const form = 'Body=Hello+there&From=%2B15550001111&To=%2B15552223333';
    const url = `${catcher.url}/sms?account=1`;
    const params = Object.fromEntries(new URLSearchParams(form));
    const sig = twilio.getExpectedTwilioSignature(TWILIO, url, params);
    const r = await post(url, [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Twilio-Signature', sig]], form);
    expect(r.status).toBe(200);
    const c = await lastCapture(engine, catcher.id);
    expect(c.signatureStatus).toBe('valid');
    await post(url, [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Twilio-Signature', sig]], form.replace('Hello', 'Hullo'));
    expect((await lastCapture(engine, catcher.id)).signatureStatus).toBe('invalid');
    // JSON variant: bodySHA256 in the URL binds the body.
    const hash = createHash('sha256').update(payload).digest('hex');
    const jsonUrl = `${catcher.url}/voice?bodySHA256=${hash}`;
    const jsig = twilio.getExpectedTwilioSignature(TWILIO, jsonUrl, {});
    expect(twilio.validateRequestWithBody(TWILIO, jsig, jsonUrl, payload)).toBe(true);
    await post(jsonUrl, [['Content-Type', 'application/json'], ['X-Twilio-Signature', jsig]], payload);
    expect((await lastCapture(engine, catcher.id)).signatureStatus).toBe('valid');
  });

  it('Paddle by its documented algorithm, Discord with a generated Ed25519 key', async () => {
    const ts = now();
    const h1 = createHmac('sha256', PADDLE).update(`${ts}:${payload}`).digest('hex');
    expect((await deliver([['Paddle-Signature', `ts=${ts};h1=${h1}`]], payload)).signatureStatus).toBe('valid');
    expect((await deliver([['Paddle-Signature', `ts=${ts};h1=${h1}`]], payload.replace('paid', 'void'))).signatureStatus).toBe('invalid');
    const dts = String(ts);
    const dsig = edSign(null, Buffer.concat([Buffer.from(dts), Buffer.from(payload)]), privateKey).toString('hex');
    expect(await verifyKey(payload, dsig, dts, DISCORD)).toBe(true);
    expect((await deliver([['X-Signature-Ed25519', dsig], ['X-Signature-Timestamp', dts]], payload)).signatureStatus).toBe('valid');
    expect((await deliver([['X-Signature-Ed25519', dsig], ['X-Signature-Timestamp', dts]], payload + '\n')).signatureStatus).toBe('invalid');
  });

  it('adding a secret later re-verifies stored captures; secrets never reach HAR exports', async () => {
    const c2 = await newCatcher(engine, 'later');
    const h = await ghSign('late-secret', payload);
    await post(c2.url + '/gh', [['Content-Type', 'application/json'], ['X-Hub-Signature-256', h]], payload);
    const first = await lastCapture(engine, c2.id);
    expect(first.signatureStatus).toBe('no-secret');
    await engine.invoke('webhookTools.secrets.add', { catcherId: c2.id, scheme: 'github', secret: 'late-secret' });
    const verified = await engine.invoke('webhookTools.verify', { captureId: first.id });
    expect(verified.status).toBe('valid');
    expect((await engine.invoke('captures.get', { id: first.id })).signatureStatus).toBe('valid');
    const har = await engine.invoke('captures.exportHar', {});
    for (const s of [STRIPE, GITHUB, STANDARD, TWILIO, PADDLE, 'late-secret']) expect(har.har).not.toContain(s);
  });

  // The catcher keeps a body in the pieces it arrived in and joins them only for the hooks that read
  // it whole: signatures and delivery ids must see exactly the bytes sent, across piece boundaries.
  it('bodies that arrive in several pieces: signature, delivery id and stored bytes', async () => {
    const big = JSON.stringify({ id: 'evt_pieces', object: 'event', data: { blob: 'x'.repeat(300_000), note: 'naïve ✓' } });
    const h = await ghSign(GITHUB, big);
    const bytes = Buffer.from(big);
    // Three writes with pauses in between: the catcher reads them as separate pieces.
    const piecesOf = (b: Buffer, at: number[]) => [0, ...at].map((from, i) => b.subarray(from, [...at, b.length][i]));
    const c = await sendInPieces(catcher.url + '/pieces', [['Content-Type', 'application/json'], ['X-Hub-Signature-256', h]], piecesOf(bytes, [1000, 150_000]));
    expect(c.signatureStatus).toBe('valid');
    expect(c.bodySize).toBe(bytes.length);
    const stored = await engine.invoke('captures.body', { id: c.id, offset: 0, length: bytes.length });
    expect(createHash('sha256').update(Buffer.from(stored.base64, 'base64')).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));

    // An unsigned Stripe event whose id comes after a first piece shorter than the catcher's first look.
    const evt = Buffer.from(JSON.stringify({ pad: 'p'.repeat(40), id: 'evt_split_1', object: 'event', data: { object: {} } }));
    const first = await sendInPieces(catcher.url + '/split', [['Content-Type', 'application/json']], piecesOf(evt, [20]));
    expect(first.annotations?.deliveryId).toBe('stripe:evt_split_1');
    const retry = await sendInPieces(catcher.url + '/split', [['Content-Type', 'application/json']], piecesOf(evt, [30]));
    expect(retry.duplicateOf).toBe(first.id);
  });
});

/** A chunked POST written in `pieces` with a pause after each, then the capture it made. */
async function sendInPieces(url: string, headers: Array<[string, string]>, pieces: Buffer[]) {
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false });
    for (const [n, v] of headers) req.setHeader(n, v);
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    void (async () => {
      for (const piece of pieces) {
        req.write(piece);
        await new Promise((r) => setTimeout(r, 30));
      }
      req.end();
    })();
  });
  expect(status).toBe(200);
  return lastCapture(engine, catcher.id);
}
