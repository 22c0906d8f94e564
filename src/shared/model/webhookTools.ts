import type { EngineErrorShape } from '../errors';
import type { HeaderPairs } from './common';

// Shapes recorded on captures by the webhook tools (issue 6). Absent until those tools run.
export type SignatureStatus = 'valid' | 'invalid' | 'expired' | 'no-secret' | 'unsigned';
export const SIGNATURE_STATUSES: readonly SignatureStatus[] = ['valid', 'invalid', 'expired', 'no-secret', 'unsigned'];

/** Signing schemes we verify. `standard` covers Standard Webhooks and Svix (`webhook-*` / `svix-*`). */
export const SIGNATURE_SCHEMES = ['stripe', 'github', 'slack', 'shopify', 'standard', 'twilio', 'paddle', 'discord'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export const SIGNATURE_SCHEME_LABELS: Record<SignatureScheme, string> = {
  stripe: 'Stripe',
  github: 'GitHub',
  slack: 'Slack',
  shopify: 'Shopify',
  standard: 'Standard Webhooks / Svix',
  twilio: 'Twilio',
  paddle: 'Paddle Billing',
  discord: 'Discord (Ed25519)',
};

/** Default timestamp tolerance per scheme, seconds; null = the scheme signs no timestamp. */
export const DEFAULT_TOLERANCES: Record<SignatureScheme, number | null> = {
  stripe: 300,
  github: null,
  slack: 300,
  shopify: null,
  standard: 300,
  twilio: null,
  // Paddle's own SDK allows 5 s; verification runs at arrival, so that is realistic.
  paddle: 5,
  // Discord signs a timestamp but documents no tolerance; 0 disables the check.
  discord: 0,
};

export interface SignatureResult {
  scheme: SignatureScheme | null;
  status: SignatureStatus;
  /** Plain words: why invalid/expired (expected vs received, skew), or what was checked. */
  reason: string | null;
  /** Header the signature was read from, original case. */
  header?: string;
  /** Signature value(s) found in the request. */
  received?: string[];
  /** What we computed with the configured secret (first secret when several). */
  expected?: string;
  /** Which bytes were signed, in words, e.g. "t + '.' + raw body (532 bytes)". */
  signedContent?: string;
  /** The signed timestamp, unix seconds, for schemes that have one. */
  timestamp?: number;
  /** Arrival minus signed timestamp, seconds; negative when the timestamp is in the future. */
  skewSeconds?: number;
  toleranceSeconds?: number;
  /** Label of the secret that matched (never the secret itself). */
  secretLabel?: string;
  /** Twilio: the URL the signature was checked against. */
  url?: string;
}

export type ForwardResult =
  | { target: string; status: number; headers: HeaderPairs; bodyBase64: string; durationMs: number; bodyTruncated?: boolean }
  | { target: string; error: EngineErrorShape; durationMs: number };

/** Fields other services add to a capture, at store time or later (merged on read). */
export interface CaptureAnnotations {
  signature: SignatureResult | null;
  forward: ForwardResult | null;
  /** Id of the mock rule that answered, null for the default response. */
  ruleId: string | null;
  /** Id of the first capture carrying the same provider delivery id. */
  duplicateOf: string | null;
  /** The provider delivery id (X-GitHub-Delivery, webhook-id, Stripe event id), when found. */
  deliveryId?: string | null;
}

// ---- Per-catcher configuration ----

/** A configured secret as shown to the UI: never the secret itself. */
export interface SecretInfo {
  id: string;
  scheme: SignatureScheme;
  label: string;
  /** e.g. "whsec_…9f2a" */
  hint: string;
  createdAt: string;
  /** Stored by another secret box (e.g. desktop keychain) and unreadable here. */
  locked?: boolean;
  /** Held in memory only (CLI --secret); gone when the engine stops. */
  ephemeral?: boolean;
}

export type AnswerMode = 'configured' | 'target';

export interface ForwardConfig {
  /** e.g. http://localhost:3000/webhooks; the capture's path is appended. Empty = off. */
  target: string;
  /** Reply with our response (rule/default) or pass the target's response through. */
  answerMode: AnswerMode;
  timeoutMs: number;
}

export type RuleMatchKind = 'contains' | 'equals' | 'regex' | 'exists';

export interface KeyMatcher {
  name: string;
  kind: RuleMatchKind;
  value: string;
}

export interface BodyMatcher {
  kind: 'contains' | 'regex' | 'json';
  /** For json: dotted path like data.object.id or items[0].name. */
  path?: string;
  /** Text, regex, or (json) the expected value as text; empty with json = field exists. */
  value: string;
}

export interface MockRule {
  id: string;
  name: string;
  enabled: boolean;
  /** Empty = any method. */
  methods: string[];
  /** Glob over the path (no query): * within a segment, ** across segments. Empty = any. */
  pathGlob: string;
  headers: KeyMatcher[];
  query: KeyMatcher[];
  body: BodyMatcher | null;
  response: {
    status: number;
    headers: HeaderPairs;
    /** {{request.method}}, {{request.path}}, {{request.query.x}}, {{request.headers.x}}, {{request.body.x}} */
    body: string;
    delayMs: number;
  };
}

export interface CatcherToolsConfig {
  catcherId: string;
  secrets: SecretInfo[];
  /** Per-scheme tolerance override, seconds (0 = don't check time). */
  tolerances: Partial<Record<SignatureScheme, number>>;
  /** Public base URL senders use (tunnel or proxy), for Twilio; empty = tunnel URL or Host header. */
  publicUrl: string;
  forward: ForwardConfig;
  rules: MockRule[];
}

/** Where secrets are stored: plainly (CLI/web) or encrypted by the OS keychain (desktop). */
export type SecretStorageKind = 'plain' | 'os-encrypted';

export interface ReplayResult {
  captureId: string;
  url: string;
  /** Schemes re-signed, or why not. */
  resigned: { scheme: SignatureScheme; ok: boolean; message: string } | null;
  outcome:
    | { ok: true; status: number; headers: HeaderPairs; bodyBase64: string; durationMs: number; historyId?: string }
    | { ok: false; error: EngineErrorShape; durationMs: number };
}
