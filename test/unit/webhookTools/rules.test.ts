import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firstMatch, globToRegExp, renderTemplate, validateRules, type RuleRequest } from '../../../src/engine/webhookTools/rules';
import { joinTarget, passThroughHeaders, relayHeaders } from '../../../src/engine/webhookTools/relay';
import { deliveryIdOf } from '../../../src/engine/webhookTools/deliveryId';
import { ToolsConfigStore } from '../../../src/engine/webhookTools/configStore';
import type { SecretBox } from '../../../src/engine/webhookTools/secretBox';
import { PLAIN_SECRET_BOX } from '../../../src/engine/webhookTools/secretBox';
import { mockRuleSchema } from '../../../src/shared/contract/webhookTools';
import type { MockRule } from '../../../src/shared/model/webhookTools';

const rule = (over: Partial<Parameters<typeof mockRuleSchema.parse>[0]>): MockRule =>
  mockRuleSchema.parse({ id: 'r', response: {}, ...over }) as MockRule;

const req: RuleRequest = {
  method: 'POST',
  url: '/hooks/stripe/evt?mode=test&x=1',
  headers: [['Content-Type', 'application/json'], ['X-Event', 'invoice.paid']],
  body: Buffer.from(JSON.stringify({ type: 'invoice.paid', data: { object: { id: 'in_1', lines: [{ amount: 5 }] } }, user: { name: 'Ada' } })),
};

describe('globs', () => {
  it('* stays in a segment, ** crosses', () => {
    expect(globToRegExp('/hooks/*').test('/hooks/stripe')).toBe(true);
    expect(globToRegExp('/hooks/*').test('/hooks/stripe/evt')).toBe(false);
    expect(globToRegExp('/hooks/**').test('/hooks/stripe/evt')).toBe(true);
    expect(globToRegExp('/a/**/b').test('/a/b')).toBe(true);
    expect(globToRegExp('/a/**/b').test('/a/x/y/b')).toBe(true);
    expect(globToRegExp('/v?.json').test('/v1.json')).toBe(true);
    expect(globToRegExp('/a.b').test('/aXb')).toBe(false);
  });
});

describe('rule matching', () => {
  it('first match wins over method, path, header, query and body', () => {
    const rules = [
      rule({ id: 'get-only', methods: ['GET'] }),
      rule({ id: 'wrong-path', pathGlob: '/other/**' }),
      rule({ id: 'hdr-miss', headers: [{ name: 'x-event', kind: 'equals', value: 'nope' }] }),
      rule({ id: 'disabled', enabled: false }),
      rule({
        id: 'hit',
        methods: ['post'],
        pathGlob: '/hooks/**',
        headers: [{ name: 'x-event', kind: 'regex', value: '^invoice\\.' }],
        query: [{ name: 'mode', kind: 'equals', value: 'test' }],
        body: { kind: 'json', path: 'data.object.lines[0].amount', value: '5' },
      }),
      rule({ id: 'later' }),
    ];
    expect(firstMatch(rules, req)?.id).toBe('hit');
    expect(firstMatch([rule({ id: 'q', query: [{ name: 'absent', kind: 'exists', value: '' }] })], req)).toBeNull();
    expect(firstMatch([rule({ id: 'b', body: { kind: 'contains', value: 'invoice.paid' } })], req)?.id).toBe('b');
    expect(firstMatch([rule({ id: 'b', body: { kind: 'regex', value: '"amount":\\s*6' } })], req)).toBeNull();
    expect(firstMatch([rule({ id: 'j', body: { kind: 'json', path: 'user.name', value: '' } })], req)?.id).toBe('j');
  });
  it('bad regexes are refused on save', () => {
    expect(() => validateRules([rule({ name: 'broken', headers: [{ name: 'a', kind: 'regex', value: '(' }] })])).toThrow(/broken/);
  });
  it('templating', () => {
    const out = renderTemplate(
      '{{request.method}} {{request.path}} {{ request.query.mode }} {{request.headers.x-event}} {{request.body.user.name}} {{request.body.data.object.lines}} [{{request.body.none}}]',
      req,
    );
    expect(out).toBe('POST /hooks/stripe/evt test invoice.paid Ada [{"amount":5}] []');
    expect(renderTemplate('{{request.body.a}}', { ...req, body: Buffer.from('a=1&b=2') })).toBe('1');
  });
});

describe('relay', () => {
  it('joins target and path suffix', () => {
    expect(joinTarget('http://localhost:3000/webhooks', '/stripe?x=1')).toBe('http://localhost:3000/webhooks/stripe?x=1');
    expect(joinTarget('http://localhost:3000/webhooks/', '/')).toBe('http://localhost:3000/webhooks');
    expect(joinTarget('http://localhost:3000', '/')).toBe('http://localhost:3000/');
    expect(joinTarget('http://localhost:3000/w?k=v', '/a?b=c')).toBe('http://localhost:3000/w/a?k=v&b=c');
  });
  it('drops hop-by-hop, rewrites Host, adds X-Forwarded-*', () => {
    const h = relayHeaders({
      headers: [
        ['Host', 'abc.loca.lt'],
        ['Connection', 'keep-alive, X-Secret-Hop'],
        ['X-Secret-Hop', '1'],
        ['Transfer-Encoding', 'chunked'],
        ['X-Forwarded-For', '1.2.3.4'],
        ['x-forwarded-proto', 'https'],
        ['Stripe-Signature', 't=1,v1=ab'],
      ],
      targetUrl: 'http://127.0.0.1:3000/x',
      bodyLength: 12,
      remoteAddress: '::ffff:127.0.0.1',
      protocol: 'http',
    });
    expect(h).toEqual([
      ['Host', '127.0.0.1:3000'],
      ['Stripe-Signature', 't=1,v1=ab'],
      ['Content-Length', '12'],
      ['X-Forwarded-For', '1.2.3.4, 127.0.0.1'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'abc.loca.lt'],
    ]);
    expect(passThroughHeaders([['Connection', 'close'], ['Content-Length', '3'], ['X-App', '1']])).toEqual([['X-App', '1']]);
  });
});

describe('delivery ids', () => {
  it('from headers and Stripe/Paddle bodies', () => {
    expect(deliveryIdOf([['X-GitHub-Delivery', 'abc']], Buffer.alloc(0), null)).toBe('github:abc');
    expect(deliveryIdOf([['svix-id', 'msg_1']], Buffer.alloc(0), null)).toBe('standard:msg_1');
    expect(deliveryIdOf([], Buffer.from('{"id":"evt_9","object":"event"}'), 'application/json')).toBe('stripe:evt_9');
    expect(deliveryIdOf([], Buffer.from('{"id":"evt_9"}'), 'application/json')).toBeNull();
    expect(deliveryIdOf([['Paddle-Signature', 'ts=1;h1=2']], Buffer.from('{"notification_id":"ntf_1"}'), 'application/json')).toBe('paddle:ntf_1');
    expect(deliveryIdOf([], Buffer.from('not json'), 'application/json')).toBeNull();
    expect(deliveryIdOf([['X-Slack-Signature', 'v0=1']], Buffer.from('{"type":"event_callback","event_id":"Ev123"}'), 'application/json')).toBe('slack:Ev123');
  });

  it('finds a Stripe event id deep in a large body only when the Stripe header is there', () => {
    // Stripe writes the id first; without its header only the first 4 KiB are searched.
    const late = Buffer.from(JSON.stringify({ pad: 'x'.repeat(70_000), object: 'event', id: 'evt_late' }));
    expect(deliveryIdOf([['Stripe-Signature', 't=1,v1=2']], late, 'application/json')).toBe('stripe:evt_late');
    expect(deliveryIdOf([], late, 'application/json')).toBeNull();
    const early = Buffer.from(JSON.stringify({ id: 'evt_early', object: 'event', pad: 'x'.repeat(70_000) }));
    expect(deliveryIdOf([], early, 'application/json')).toBe('stripe:evt_early');
  });
});

describe('config store', () => {
  it('persists settings; secrets go through the box and never appear plainly when encrypted', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-tools-'));
    // A reversible "encryption" standing in for safeStorage, so the test can see it was used.
    const box: SecretBox = {
      kind: 'os-encrypted',
      encrypt: (p) => Buffer.from([...Buffer.from(p)].map((b) => b ^ 0x5a)).toString('base64'),
      decrypt: (d) => Buffer.from([...Buffer.from(d, 'base64')].map((b) => b ^ 0x5a)).toString('utf8'),
    };
    const a = new ToolsConfigStore(dir, box);
    a.addSecret('c1', 'stripe', 'whsec_supersecretvalue', 'main', false);
    a.addSecret('c1', 'github', 'temp-secret', 'cli', true);
    a.update('c1', { publicUrl: 'https://x.example', forward: { target: 'http://localhost:1/', answerMode: 'target', timeoutMs: 1000 } });
    const file = readFileSync(path.join(dir, 'webhook-tools.json'), 'utf8');
    expect(file).not.toContain('supersecret');
    expect(file).not.toContain('temp-secret');
    const b = new ToolsConfigStore(dir, box);
    expect(b.secretsFor('c1').map((s) => s.secret)).toEqual(['whsec_supersecretvalue']);
    expect(b.get('c1').forward.answerMode).toBe('target');
    expect(b.get('c1').secrets[0]!.hint).toBe('whsec_…alue');
    // The CLI (plain box) reading the desktop's data dir sees the secret as locked, not garbage.
    const c = new ToolsConfigStore(dir, PLAIN_SECRET_BOX);
    expect(c.secretsFor('c1')).toEqual([]);
    expect(c.get('c1').secrets[0]!.locked).toBe(true);
  });
});
