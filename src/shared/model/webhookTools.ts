import type { EngineErrorShape } from '../errors';
import type { HeaderPairs } from './common';

// Shapes recorded on captures by the webhook tools (issue 6). Absent until those tools run.
export type SignatureStatus = 'valid' | 'invalid' | 'expired' | 'no-secret' | 'unsigned';

export interface SignatureResult {
  scheme: string | null;
  status: SignatureStatus;
  /** Plain words: why invalid/expired (expected vs received, skew), or what was checked. */
  reason: string | null;
}

export type ForwardResult =
  | { target: string; status: number; headers: HeaderPairs; bodyBase64: string; durationMs: number }
  | { target: string; error: EngineErrorShape; durationMs: number };

/** Fields other services add to a capture, at store time or later (merged on read). */
export interface CaptureAnnotations {
  signature: SignatureResult | null;
  forward: ForwardResult | null;
  /** Id of the mock rule that answered, null for the default response. */
  ruleId: string | null;
  /** Id of the first capture carrying the same provider delivery id. */
  duplicateOf: string | null;
}
