import type { Service, ServiceContext } from '../service';
import type { EngineEvent } from '../../shared/contract';
import type { ToolsConfigView } from '../../shared/contract/webhookTools';
import type { HeaderPairs } from '../../shared/model/common';
import type { Capture } from '../../shared/model/catcher';
import type { CaptureAnnotations, ForwardResult, SignatureResult } from '../../shared/model/webhookTools';
import { SIGNATURE_SCHEME_LABELS } from '../../shared/model/webhookTools';
import { SwitchboardError } from '../../shared/errors';
import { ToolsConfigStore } from './configStore';
import { PLAIN_SECRET_BOX, type SecretBox } from './secretBox';
import { hasSignatureHeader, validateSecret, verifySignature } from './signatures';
import { firstMatch, renderTemplate, validateRules } from './rules';
import { forwardCapture } from './forward';
import { passThroughHeaders, joinTarget } from './relay';
import { parseTargetUrl } from './rawSend';
import { deliveryIdOf } from './deliveryId';
import { isPlainRequest } from './plainRequest';
import { DeliveryIndex } from './deliveryIndex';
import { sendReplay, type SenderPort } from './replay';
import { searchCaptures, type CaptureReader } from './search';

export type { SecretBox } from './secretBox';
export { PLAIN_SECRET_BOX } from './secretBox';

/** The request fields the tools look at (from the catcher's hook contexts). */
export interface RequestView {
  catcherId: string;
  method: string;
  url: string;
  headers: HeaderPairs;
  body: Buffer;
  receivedAtMs: number;
  remoteAddress: string;
  contentType: string | null;
}

/** What a hook may answer instead of the catcher's configured response. */
export interface ToolResponse {
  status: number;
  headers: HeaderPairs;
  body: Buffer;
  delayMs: number;
  annotations?: Partial<CaptureAnnotations>;
}

// Shared, frozen: most captures are unsigned and carry no delivery id.
const UNSIGNED: SignatureResult = Object.freeze({ scheme: null, status: 'unsigned', reason: 'No known signature header.' });
const UNSIGNED_ONLY: Partial<CaptureAnnotations> = Object.freeze({ signature: UNSIGNED });

/** What this service needs from the catcher (see catcherAdapter.ts). */
export interface CatcherPort extends CaptureReader {
  annotate(id: string, patch: Partial<CaptureAnnotations>): Promise<void>;
  catcherExists(id: string): boolean;
  setHooks(hooks: ToolHooks | null): void;
}

export interface ToolHooks {
  /** Before the capture is stored (no id yet): signature, delivery id, duplicate, matched rule. */
  annotate(c: RequestView): Partial<CaptureAnnotations>;
  /** annotate's answer for a plain request (no signature header, no delivery id), else undefined. */
  plain(rawHeaders: readonly string[], body: Buffer, contentType: string | null): Partial<CaptureAnnotations> | undefined;
  /** After it is durable, before answering: a rule's or the forward target's response, or null. */
  respond(id: string, c: RequestView, annotations: Partial<CaptureAnnotations>): Promise<ToolResponse | null>;
  /** After the answer went out: forward (configured-answer mode). */
  afterResponse(id: string, c: RequestView, annotations: Partial<CaptureAnnotations>): void;
  /** False when respond and afterResponse would do nothing for this capture (so the catcher skips them). */
  wants(catcherId: string, annotations: Partial<CaptureAnnotations>): boolean;
}

export interface WebhookToolsDeps {
  catcher: CatcherPort;
  sender: SenderPort | null;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  secretBox?: SecretBox;
}

export interface WebhookToolsService extends Service {
  hooks: ToolHooks;
}

const MAX_FORWARDS_IN_FLIGHT = 8;

export async function createWebhookToolsService(ctx: ServiceContext, deps: WebhookToolsDeps): Promise<WebhookToolsService> {
  const box = deps.secretBox ?? PLAIN_SECRET_BOX;
  const store = new ToolsConfigStore(ctx.dataDir, box);
  const deliveries = new DeliveryIndex(ctx.dataDir);
  const tunnelUrls = new Map<string, string>();
  /** Forward results already obtained while answering (pass-through mode). */
  const forwardedWhileAnswering = new Set<string>();
  let inFlight = 0;
  const queue: Array<() => Promise<void>> = [];
  let closed = false;
  const pending = new Set<Promise<unknown>>();

  const unsubscribe = deps.subscribe((event) => {
    if (event.type === 'tunnel.state' && event.tunnel.target.kind === 'catcher') {
      if (event.tunnel.url) tunnelUrls.set(event.tunnel.target.id, event.tunnel.url);
      else tunnelUrls.delete(event.tunnel.target.id);
    }
    if (event.type === 'captures.cleared') deliveries.clear(event.catcherId);
    if (event.type === 'catcher.removed') {
      deliveries.clear(event.id);
      store.remove(event.id);
    }
  });

  const view = (catcherId: string): ToolsConfigView => ({ ...store.get(catcherId), secretStorage: box.kind });
  const emitConfig = (catcherId: string): ToolsConfigView => {
    const v = view(catcherId);
    ctx.emit({ type: 'webhookTools.config', config: v });
    return v;
  };

  function publicBases(catcherId: string): string[] {
    const c = store.peek(catcherId);
    return [c.publicUrl, tunnelUrls.get(catcherId) ?? ''].filter(Boolean);
  }

  function verify(c: Pick<RequestView, 'catcherId' | 'method' | 'url' | 'headers' | 'body' | 'receivedAtMs'>): SignatureResult {
    // Most captures carry no signature header: answer that without gathering secrets and URLs.
    if (!hasSignatureHeader(c.headers)) return UNSIGNED;
    const cfg = store.peek(c.catcherId);
    return verifySignature(
      { method: c.method, url: c.url, headers: c.headers, body: c.body, receivedAtMs: c.receivedAtMs, publicBaseUrls: publicBases(c.catcherId) },
      { secrets: store.secretsFor(c.catcherId), tolerances: cfg.tolerances },
    );
  }

  function track<T>(p: Promise<T>): Promise<T> {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  }

  function runQueued(): void {
    while (inFlight < MAX_FORWARDS_IN_FLIGHT && queue.length > 0 && !closed) {
      const job = queue.shift()!;
      inFlight++;
      void track(job().finally(() => {
        inFlight--;
        runQueued();
      }));
    }
  }

  async function forwardAndRecord(id: string, c: RequestView): Promise<{ result: ForwardResult; body: Buffer } | null> {
    const cfg = store.peek(c.catcherId).forward;
    if (!cfg.target) return null;
    const out = await forwardCapture(cfg, { method: c.method, url: c.url, headers: c.headers, body: c.body, remoteAddress: c.remoteAddress });
    await deps.catcher.annotate(id, { forward: out.result }).catch(() => undefined);
    return out;
  }

  function ruleResponse(c: RequestView): ToolResponse | null {
    const rule = firstMatch(store.peek(c.catcherId).rules, c);
    if (!rule) return null;
    const req = { method: c.method, url: c.url, headers: c.headers, body: c.body };
    return {
      status: rule.response.status,
      headers: rule.response.headers.map(([n, v]) => [n, renderTemplate(v, req)] as [string, string]),
      body: Buffer.from(renderTemplate(rule.response.body, req), 'utf8'),
      delayMs: rule.response.delayMs,
      annotations: { ruleId: rule.id },
    };
  }

  /** The first durable capture with a delivery id claims it; later ones are marked duplicates. */
  function settleDelivery(id: string, c: RequestView, a: Partial<CaptureAnnotations>): void {
    if (!a.deliveryId || a.duplicateOf) return;
    const first = deliveries.seen(c.catcherId, a.deliveryId, id);
    if (first) void deps.catcher.annotate(id, { duplicateOf: first }).catch(() => undefined);
  }

  const hooks: ToolHooks = {
    annotate(c) {
      const signature = verify(c);
      const deliveryId = deliveryIdOf(c.headers, c.body, c.contentType);
      // The usual capture: one shared object (the store encodes it once, not per capture).
      if (signature === UNSIGNED && !deliveryId) return UNSIGNED_ONLY;
      const out: Partial<CaptureAnnotations> = { signature };
      if (deliveryId) {
        out.deliveryId = deliveryId;
        out.duplicateOf = deliveries.firstOf(c.catcherId, deliveryId);
      }
      return out;
    },
    plain(rawHeaders, body, contentType) {
      return isPlainRequest(rawHeaders, body, contentType) ? UNSIGNED_ONLY : undefined;
    },
    async respond(id, c, a) {
      settleDelivery(id, c, a);
      const cfg = store.peek(c.catcherId);
      if (cfg.forward.target && cfg.forward.answerMode === 'target') {
        forwardedWhileAnswering.add(id);
        const out = await track(forwardAndRecord(id, c));
        if (out && 'status' in out.result) {
          return { status: out.result.status, headers: passThroughHeaders(out.result.headers), body: out.body, delayMs: 0 };
        }
        const error = out && 'error' in out.result ? out.result.error : { code: 'HTTP_FAILED', message: 'Forward failed.' };
        // Pass-through means the sender sees what the app would: a bad gateway, so it retries later.
        return {
          status: 502,
          headers: [['Content-Type', 'application/json']],
          body: Buffer.from(JSON.stringify({ error: 'forward target failed', code: error.code, message: error.message })),
          delayMs: 0,
        };
      }
      return ruleResponse(c);
    },
    wants(catcherId, a) {
      if (a.deliveryId && !a.duplicateOf) return true;
      const cfg = store.peek(catcherId);
      return cfg.rules.length > 0 || Boolean(cfg.forward.target);
    },
    afterResponse(id, c) {
      if (forwardedWhileAnswering.delete(id)) return;
      if (closed || !store.peek(c.catcherId).forward.target) return;
      // The catcher may reuse its buffer once the hook returns.
      // (Fields copied one by one: a view may compute some of them in getters, which a spread drops.)
      const copy: RequestView = {
        catcherId: c.catcherId,
        method: c.method,
        url: c.url,
        headers: c.headers,
        body: Buffer.from(c.body),
        receivedAtMs: c.receivedAtMs,
        remoteAddress: c.remoteAddress,
        contentType: c.contentType,
      };
      queue.push(async () => {
        await forwardAndRecord(id, copy);
      });
      runQueued();
    },
  };
  deps.catcher.setHooks(hooks);

  // CLI `catch` runs use catchers that are not saved; their settings stay while their captures do
  // (so `captures replay --resign` finds the secret) and are dropped once those are gone.
  void track(
    (async () => {
      for (const id of store.catcherIds()) {
        if (closed || deps.catcher.catcherExists(id)) continue;
        const page = await deps.catcher.listPage({ catcherId: id, limit: 1 }).catch(() => null);
        if (page && page.length === 0 && !closed) store.remove(id);
      }
    })(),
  );

  async function requireCatcher(id: string): Promise<void> {
    if (!deps.catcher.catcherExists(id)) throw new SwitchboardError('NOT_FOUND', `No catcher with id ${id}.`);
  }

  /** Re-check stored captures after the secrets changed, newest first, in the background. */
  function reverifyCatcher(catcherId: string): void {
    void track(
      (async () => {
        let beforeSeq: number | undefined;
        let done = 0;
        while (!closed && done < 5_000) {
          const page = await deps.catcher.listPage({ catcherId, beforeSeq, newest: true, limit: 500 });
          if (page.length === 0) break;
          for (const s of page) {
            if (closed) return;
            if (s.signatureStatus === 'unsigned' || s.signatureStatus === undefined) continue;
            await reverify(s.id).catch(() => undefined);
          }
          done += page.length;
          beforeSeq = page[0]!.seq;
          await new Promise((r) => setImmediate(r));
        }
      })(),
    );
  }

  async function reverify(captureId: string): Promise<SignatureResult> {
    const capture: Capture = await deps.catcher.getCapture(captureId);
    const body = await deps.catcher.readBody(captureId);
    const result = verify({ catcherId: capture.catcherId, method: capture.method, url: capture.url, headers: capture.headers, body, receivedAtMs: Date.parse(capture.receivedAt) });
    await deps.catcher.annotate(captureId, { signature: result });
    return result;
  }

  return {
    hooks,
    handlers: {
      'webhookTools.config.get': async (p) => {
        await requireCatcher(p.catcherId);
        return view(p.catcherId);
      },
      'webhookTools.config.update': async (p) => {
        await requireCatcher(p.catcherId);
        if (p.rules) validateRules(p.rules);
        if (p.forward?.target) parseTargetUrl(p.forward.target);
        if (p.publicUrl) parseTargetUrl(p.publicUrl);
        const tolerancesChanged = p.tolerances !== undefined || p.publicUrl !== undefined;
        store.update(p.catcherId, {
          ...(p.tolerances ? { tolerances: p.tolerances } : {}),
          ...(p.publicUrl !== undefined ? { publicUrl: p.publicUrl } : {}),
          ...(p.forward ? { forward: { ...store.get(p.catcherId).forward, ...p.forward } } : {}),
          ...(p.rules ? { rules: p.rules } : {}),
        });
        if (tolerancesChanged) reverifyCatcher(p.catcherId);
        return emitConfig(p.catcherId);
      },
      'webhookTools.secrets.add': async (p) => {
        await requireCatcher(p.catcherId);
        validateSecret(p.scheme, p.secret);
        const n = store.get(p.catcherId).secrets.filter((s) => s.scheme === p.scheme).length;
        store.addSecret(p.catcherId, p.scheme, p.secret, p.label?.trim() || `${SIGNATURE_SCHEME_LABELS[p.scheme]}${n ? ` ${n + 1}` : ''}`, p.ephemeral);
        // Session-only secrets come from the CLI for one run: no background re-check.
        if (!p.ephemeral) reverifyCatcher(p.catcherId);
        return emitConfig(p.catcherId);
      },
      'webhookTools.secrets.remove': async (p) => {
        if (!store.removeSecret(p.catcherId, p.secretId)) throw new SwitchboardError('NOT_FOUND', `No secret ${p.secretId} on catcher ${p.catcherId}.`);
        reverifyCatcher(p.catcherId);
        return emitConfig(p.catcherId);
      },
      'webhookTools.verify': async (p) => reverify(p.captureId),
      'webhookTools.replay': async (p) => {
        const results = [];
        for (const id of p.ids) {
          const capture = await deps.catcher.getCapture(id);
          const original = await deps.catcher.readBody(id);
          const cfg = store.get(capture.catcherId);
          let url = p.to;
          if (!url) {
            if (!cfg.forward.target) {
              results.push({
                captureId: id,
                url: '',
                resigned: null,
                outcome: { ok: false as const, error: { code: 'FORWARD_NOT_CONFIGURED' as const, message: 'This catcher has no forward target; give a URL to replay to.' }, durationMs: 0 },
              });
              continue;
            }
            url = joinTarget(cfg.forward.target, capture.url);
          }
          results.push(
            await sendReplay(
              {
                captureId: id,
                method: p.edits?.method ?? capture.method,
                headers: p.edits?.headers ?? capture.headers,
                body: p.edits?.bodyBase64 !== undefined ? Buffer.from(p.edits.bodyBase64, 'base64') : original,
                url,
                resign: p.resign,
                secrets: store.secretsFor(capture.catcherId),
                timeoutMs: p.timeoutMs,
                nowSeconds: Math.floor(Date.now() / 1000),
              },
              deps.sender,
            ),
          );
        }
        return { results };
      },
      'webhookTools.search': async (p) => searchCaptures(deps.catcher, p),
    },
    async close() {
      closed = true;
      deps.catcher.setHooks(null);
      unsubscribe();
      queue.length = 0;
      await Promise.allSettled([...pending]);
      deliveries.close();
    },
  };
}
