import type { Engine } from '../../engine';
import { SIGNATURE_SCHEMES, type SignatureScheme } from '../../shared/model/webhookTools';
import type { Capture } from '../../shared/model/catcher';

// `switchboard catch` flags for the webhook tools (issue 6): --secret SCHEME:SECRET (repeatable),
// --forward URL, --answer-from-target. Kept here so catch.ts only wires them in.

export const TOOL_FLAG_OPTIONS = {
  secret: { type: 'string', multiple: true },
  forward: { type: 'string' },
  'answer-from-target': { type: 'boolean' },
} as const;

export const TOOL_FLAG_HELP = `  --secret SCHEME:SECRET Verify signatures (repeatable). SCHEME: ${SIGNATURE_SCHEMES.join(', ')}
                         (discord: the application's public key, hex). Saved with the catcher
                         (plainly) so 'captures replay --resign' can use it; never exported
  --forward URL          Relay each request (exact bytes) to URL + its path; the target's answer
                         is recorded with the capture ("forward" in --json)
  --answer-from-target   Answer senders with the forward target's response (502 when it is down)`;

export interface ToolFlags {
  secrets: Array<{ scheme: SignatureScheme; secret: string }>;
  forward: string | null;
  answerFromTarget: boolean;
}

/** Throws Error with a usage message on bad input. */
export function parseToolFlags(values: { secret?: string[]; forward?: string; 'answer-from-target'?: boolean }): ToolFlags {
  const secrets: ToolFlags['secrets'] = [];
  for (const raw of values.secret ?? []) {
    const i = raw.indexOf(':');
    const scheme = (i > 0 ? raw.slice(0, i) : '').toLowerCase();
    if (!(SIGNATURE_SCHEMES as readonly string[]).includes(scheme) || i === raw.length - 1) {
      throw new Error(`--secret must be SCHEME:SECRET with SCHEME one of ${SIGNATURE_SCHEMES.join(', ')} (got "${raw.slice(0, 40)}")`);
    }
    secrets.push({ scheme: scheme as SignatureScheme, secret: raw.slice(i + 1) });
  }
  const forward = values.forward?.trim() || null;
  if (forward && !/^https?:\/\/\S+$/.test(forward)) throw new Error(`--forward needs an http:// or https:// URL (got "${forward}")`);
  if (values['answer-from-target'] && !forward) throw new Error('--answer-from-target needs --forward URL');
  return { secrets, forward, answerFromTarget: !!values['answer-from-target'] };
}

/** Configure a catcher (secrets, forward target) before traffic arrives; a repeated secret is kept once. */
export async function applyToolFlags(engine: Engine, catcherId: string, flags: ToolFlags): Promise<void> {
  for (const s of flags.secrets) {
    await engine.invoke('webhookTools.secrets.add', { catcherId, scheme: s.scheme, secret: s.secret });
  }
  await engine.invoke('webhookTools.config.update', {
    catcherId,
    forward: { target: flags.forward ?? '', answerMode: flags.answerFromTarget ? 'target' : 'configured' },
  });
}

/** The `signature` and `forward` fields of a capture line in `--json` output. */
export function toolJsonFields(c: Capture): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sig = c.annotations?.signature;
  if (sig) out.signature = { scheme: sig.scheme, status: sig.status, reason: sig.reason };
  const f = c.annotations?.forward;
  if (f) out.forward = 'error' in f ? { target: f.target, error: { code: f.error.code, message: f.error.message }, durationMs: f.durationMs } : { target: f.target, status: f.status, durationMs: f.durationMs };
  if (c.annotations?.ruleId) out.ruleId = c.annotations.ruleId;
  if (c.duplicateOf) out.duplicateOf = c.duplicateOf;
  return out;
}

/**
 * With forwarding on, a capture line waits (bounded) for the forward result so it can carry it.
 * Resolves with the capture as stored at that point.
 */
export async function waitForForward(engine: Engine, id: string, timeoutMs: number): Promise<Capture> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await engine.invoke('captures.get', { id });
    if (c.annotations?.forward || Date.now() >= deadline) return c;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, Math.max(10, deadline - Date.now()));
      const off = engine.on((e) => {
        if (e.type === 'capture.updated' && e.capture.id === id) done();
      });
      function done() {
        clearTimeout(t);
        off();
        resolve();
      }
    });
  }
}

/** The capture for a `catch` output line: with forwarding on, after the forward result (bounded). */
export async function captureForOutput(engine: Engine, id: string): Promise<Capture | null> {
  const first = await engine.deps.catchers.getCapture(id);
  if (!first || first.annotations?.forward) return first;
  const cfg = await engine.invoke('webhookTools.config.get', { catcherId: first.catcherId }).catch(() => null);
  if (!cfg?.forward.target) return first;
  return waitForForward(engine, id, cfg.forward.timeoutMs + 2_000).catch(() => first);
}

/** The `catch` extension: checks the flags, configures the catcher, says so on stdout. */
export const webhookToolsCatchExtension = {
  check(values: { secret?: string[]; forward?: string; 'answer-from-target'?: boolean }): string | null {
    try {
      parseToolFlags(values);
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  },
  async start(
    engine: Engine,
    catcherId: string,
    values: { secret?: string[]; forward?: string; 'answer-from-target'?: boolean },
    output: { json: boolean; write(line: string): void },
  ): Promise<() => void> {
    const flags = parseToolFlags(values);
    if (flags.secrets.length === 0 && !flags.forward) return () => undefined;
    await applyToolFlags(engine, catcherId, flags);
    const schemes = [...new Set(flags.secrets.map((s) => s.scheme))];
    if (output.json) {
      output.write(JSON.stringify({ type: 'webhookTools', secrets: schemes, forward: flags.forward, answerFromTarget: flags.answerFromTarget }));
    } else {
      if (schemes.length) output.write(`Verifying signatures: ${schemes.join(', ')}`);
      if (flags.forward) output.write(`Forwarding to ${flags.forward}${flags.answerFromTarget ? ' (answering with its response)' : ''}`);
    }
    return () => undefined;
  },
};
