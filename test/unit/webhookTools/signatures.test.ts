import { createHash, createHmac, generateKeyPairSync, sign as edSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { sign as ghSign, verify as ghVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { verifyKey } from 'discord-interactions';
import { detectScheme, resign, verifySignature, type SignedRequest } from '../../../src/engine/webhookTools/signatures';
import type { SignatureScheme } from '../../../src/shared/model/webhookTools';

// Vendor libraries are the oracles: they sign, we verify; we re-sign, they verify.
const stripe = new Stripe('sk_test_oracle');
const now = Math.floor(Date.now() / 1000);
const body = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: { amount: 4200, name: 'Zoë ✓' } } }));

function req(headers: Array<[string, string]>, b: Buffer = body, extra: Partial<SignedRequest> = {}): SignedRequest {
  return { method: 'POST', url: '/hook', headers, body: b, receivedAtMs: now * 1000, ...extra };
}
const tampered = Buffer.from(body.toString().replace('4200', '4201'));
const cfg = (scheme: SignatureScheme, secret: string, tolerances = {}) => ({ secrets: [{ scheme, secret, label: 'main' }], tolerances });

describe('stripe', () => {
  const secret = 'whsec_test_stripe_secret';
  const header = stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret, timestamp: now });
  it('valid, tampered, wrong secret, stale', () => {
    expect(detectScheme([['Stripe-Signature', header]])).toBe('stripe');
    const ok = verifySignature(req([['Stripe-Signature', header]]), cfg('stripe', secret));
    expect(ok.status).toBe('valid');
    const bad = verifySignature(req([['Stripe-Signature', header]], tampered), cfg('stripe', secret));
    expect(bad.status).toBe('invalid');
    expect(bad.reason).toContain('expected');
    expect(bad.signedContent).toContain(`"${now}."`);
    expect(verifySignature(req([['Stripe-Signature', header]]), cfg('stripe', 'whsec_other')).status).toBe('invalid');
    const old = stripe.webhooks.generateTestHeaderString({ payload: body.toString(), secret, timestamp: now - 400 });
    const stale = verifySignature(req([['Stripe-Signature', old]]), cfg('stripe', secret));
    expect(stale.status).toBe('expired');
    expect(stale.skewSeconds).toBe(400);
    expect(verifySignature(req([['Stripe-Signature', old]]), cfg('stripe', secret, { stripe: 600 })).status).toBe('valid');
    expect(verifySignature(req([['Stripe-Signature', header]]), { secrets: [] }).status).toBe('no-secret');
    expect(verifySignature(req([['Content-Type', 'application/json']]), cfg('stripe', secret)).status).toBe('unsigned');
  });
  it('re-signed headers pass constructEvent', () => {
    const out = resign('stripe', { body, timestamp: now, headers: [['Stripe-Signature', 't=1,v1=00']], url: 'http://x/' }, secret);
    const sig = out.headersOut.find(([n]) => n === 'Stripe-Signature')![1];
    expect(stripe.webhooks.constructEvent(body, sig, secret).id).toBe('evt_1');
  });
});

describe('github', () => {
  const secret = "it's a secret";
  it('valid / tampered / wrong secret; resign verifies with octokit', async () => {
    const header = await ghSign(secret, body.toString());
    expect(verifySignature(req([['X-Hub-Signature-256', header]]), cfg('github', secret)).status).toBe('valid');
    expect(verifySignature(req([['X-Hub-Signature-256', header]], tampered), cfg('github', secret)).status).toBe('invalid');
    expect(verifySignature(req([['X-Hub-Signature-256', header]]), cfg('github', 'nope')).status).toBe('invalid');
    const out = resign('github', { body: tampered, timestamp: now, headers: [], url: 'http://x/' }, secret);
    expect(await ghVerify(secret, tampered.toString(), out.headers[0]![1])).toBe(true);
  });
});

describe('slack (documented algorithm, vendor test vector)', () => {
  it('matches the example from Slack docs', () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const b = Buffer.from(
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    );
    const headers: Array<[string, string]> = [
      ['X-Slack-Request-Timestamp', '1531420618'],
      ['X-Slack-Signature', 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503'],
    ];
    expect(verifySignature({ ...req(headers, b), receivedAtMs: 1531420618_000 }, cfg('slack', secret)).status).toBe('valid');
    const late = verifySignature({ ...req(headers, b), receivedAtMs: (1531420618 + 301) * 1000 }, cfg('slack', secret));
    expect(late.status).toBe('expired');
    expect(verifySignature({ ...req(headers, tampered), receivedAtMs: 1531420618_000 }, cfg('slack', secret)).status).toBe('invalid');
  });
});

describe('shopify', () => {
  it('base64 hmac', () => {
    const secret = 'shpss_secret';
    const h = createHmac('sha256', secret).update(body).digest('base64');
    expect(verifySignature(req([['X-Shopify-Hmac-Sha256', h]]), cfg('shopify', secret)).status).toBe('valid');
    expect(verifySignature(req([['X-Shopify-Hmac-Sha256', h]], tampered), cfg('shopify', secret)).status).toBe('invalid');
  });
});

describe('standard webhooks and svix', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  it('standardwebhooks: valid / tampered / stale / resign', () => {
    const wh = new StandardWebhook(secret);
    const sig = wh.sign('msg_1', new Date(now * 1000), body.toString());
    const headers: Array<[string, string]> = [['webhook-id', 'msg_1'], ['webhook-timestamp', String(now)], ['webhook-signature', `v1,AAAA ${sig}`]];
    expect(verifySignature(req(headers), cfg('standard', secret)).status).toBe('valid');
    expect(verifySignature(req(headers, tampered), cfg('standard', secret)).status).toBe('invalid');
    const oldSig = wh.sign('msg_1', new Date((now - 600) * 1000), body.toString());
    const stale: Array<[string, string]> = [['webhook-id', 'msg_1'], ['webhook-timestamp', String(now - 600)], ['webhook-signature', oldSig]];
    expect(verifySignature(req(stale), cfg('standard', secret)).status).toBe('expired');
    const out = resign('standard', { body, timestamp: now, headers: stale, url: 'http://x/' }, secret);
    const asObj = Object.fromEntries(out.headersOut);
    expect(wh.verify(body.toString(), asObj)).toMatchObject({ id: 'evt_1' });
  });
  it('svix headers', () => {
    const wh = new SvixWebhook(secret);
    const sig = wh.sign('msg_2', new Date(now * 1000), body.toString());
    const headers: Array<[string, string]> = [['svix-id', 'msg_2'], ['svix-timestamp', String(now)], ['svix-signature', sig]];
    expect(detectScheme(headers)).toBe('standard');
    expect(verifySignature(req(headers), cfg('standard', secret)).status).toBe('valid');
    expect(verifySignature(req(headers), cfg('standard', 'whsec_' + Buffer.from('other').toString('base64'))).status).toBe('invalid');
    const out = resign('standard', { body, timestamp: now, headers, url: 'http://x/' }, secret);
    expect(wh.verify(body.toString(), Object.fromEntries(out.headersOut))).toMatchObject({ id: 'evt_1' });
  });
});

describe('twilio', () => {
  const token = '12345abcde';
  it('form variant with the public URL', () => {
    const form = Buffer.from('To=%2B15551234567&From=%2B15557654321&Body=Hello+world&MediaUrl=b&MediaUrl=a');
    const params: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(form.toString())) {
      const prev = params[k];
      params[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    const url = 'https://abc.example.com/sms?x=1';
    const sig = twilio.getExpectedTwilioSignature(token, url, params);
    const headers: Array<[string, string]> = [['Host', '127.0.0.1:4000'], ['Content-Type', 'application/x-www-form-urlencoded'], ['X-Twilio-Signature', sig]];
    const r = req(headers, form, { url: '/sms?x=1', publicBaseUrls: ['https://abc.example.com'] });
    expect(verifySignature(r, cfg('twilio', token)).status).toBe('valid');
    const noUrl = verifySignature({ ...r, publicBaseUrls: [] }, cfg('twilio', token));
    expect(noUrl.status).toBe('invalid');
    expect(noUrl.reason).toContain('public URL');
    expect(verifySignature({ ...r, body: Buffer.from('To=x') }, cfg('twilio', token)).status).toBe('invalid');
    const out = resign('twilio', { body: form, timestamp: now, headers, url }, token);
    expect(twilio.validateRequest(token, out.headers[0]![1], url, params)).toBe(true);
  });
  it('SharedKey webhooks signed with HMAC_SHA256 (X-Twilio-Webhooks-Signature-Settings)', () => {
    const url = 'https://abc.example.com/status';
    const params = { CallSid: 'CA1', CallStatus: 'completed' };
    const form = Buffer.from(new URLSearchParams(params).toString());
    const sig = twilio.getExpectedTwilioSignature(token, url, params, 'HMAC_SHA256');
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['X-Twilio-Webhooks-Signature-Settings', 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256'],
      ['X-Twilio-Signature', sig],
    ];
    const r = req(headers, form, { url: '/status', publicBaseUrls: ['https://abc.example.com'] });
    const ok = verifySignature(r, cfg('twilio', token));
    expect(ok.status).toBe('valid');
    expect(ok.signedContent).toContain('HMAC-SHA256');
    const out = resign('twilio', { body: form, timestamp: now, headers, url }, token);
    expect(twilio.validateRequest(token, out.headers[0]![1], url, params, 'HMAC_SHA256')).toBe(true);
  });
  it('JSON variant with bodySHA256', () => {
    const hash = createHash('sha256').update(body).digest('hex');
    const url = `https://abc.example.com/hook?bodySHA256=${hash}`;
    const sig = twilio.getExpectedTwilioSignature(token, url, {});
    const headers: Array<[string, string]> = [['Content-Type', 'application/json'], ['X-Twilio-Signature', sig]];
    const r = req(headers, body, { url: `/hook?bodySHA256=${hash}`, publicBaseUrls: ['https://abc.example.com'] });
    expect(verifySignature(r, cfg('twilio', token)).status).toBe('valid');
    const t = verifySignature({ ...r, body: tampered }, cfg('twilio', token));
    expect(t.status).toBe('invalid');
    expect(t.reason).toContain('bodySHA256');
    const out = resign('twilio', { body: tampered, timestamp: now, headers, url: 'https://abc.example.com/hook' }, token);
    expect(twilio.validateRequestWithBody(token, out.headers[0]![1], out.url!, tampered.toString())).toBe(true);
  });
});

describe('paddle (documented algorithm)', () => {
  const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI4vEb';
  const paddleHeader = (ts: number, b: Buffer, key = secret) => `ts=${ts};h1=${createHmac('sha256', key).update(`${ts}:`).update(b).digest('hex')}`;
  it('valid / tampered / stale / rotated', () => {
    expect(verifySignature(req([['Paddle-Signature', paddleHeader(now, body)]]), cfg('paddle', secret)).status).toBe('valid');
    expect(verifySignature(req([['Paddle-Signature', paddleHeader(now, body)]], tampered), cfg('paddle', secret)).status).toBe('invalid');
    expect(verifySignature(req([['Paddle-Signature', paddleHeader(now - 30, body)]]), cfg('paddle', secret)).status).toBe('expired');
    const rotated = `${paddleHeader(now, body, 'old')};h1=${paddleHeader(now, body).split('h1=')[1]}`;
    expect(verifySignature(req([['Paddle-Signature', rotated]]), cfg('paddle', secret)).status).toBe('valid');
  });
});

describe('discord', () => {
  it('Ed25519 with a generated key, cross-checked by discord-interactions', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pubHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    const ts = String(now);
    const sig = edSign(null, Buffer.concat([Buffer.from(ts), body]), privateKey).toString('hex');
    expect(await verifyKey(body, sig, ts, pubHex)).toBe(true);
    const headers: Array<[string, string]> = [['X-Signature-Ed25519', sig], ['X-Signature-Timestamp', ts]];
    expect(verifySignature(req(headers), cfg('discord', pubHex)).status).toBe('valid');
    expect(await verifyKey(tampered, sig, ts, pubHex)).toBe(false);
    expect(verifySignature(req(headers, tampered), cfg('discord', pubHex)).status).toBe('invalid');
    const other = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    expect(verifySignature(req(headers), cfg('discord', other)).status).toBe('invalid');
    expect(() => resign('discord', { body, timestamp: now, headers, url: 'http://x/' }, pubHex)).toThrow(/private/);
  });
});
