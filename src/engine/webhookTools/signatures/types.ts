import type { HeaderPairs } from '../../../shared/model/common';
import type { SignatureResult, SignatureScheme } from '../../../shared/model/webhookTools';

/** What a verifier needs from a request: exact bytes, raw headers, and when it arrived. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  headers: HeaderPairs;
  body: Buffer;
  /** Arrival, ms since epoch: timestamps are judged against this, not "now". */
  receivedAtMs: number;
  /** Public base URLs the sender may have used (Twilio signs the full URL), best first. */
  publicBaseUrls?: string[];
}

export interface SchemeSecret {
  secret: string;
  label: string;
}

export interface VerifyOptions {
  /** Seconds; 0 or null = don't check the timestamp. */
  toleranceSeconds: number | null;
}

/** What re-signing produces: headers to set (replacing same-named ones) and, rarely, a new URL. */
export interface SignOutput {
  headers: Array<[string, string]>;
  /** Twilio signs the URL; when the body hash is in the URL it changes. */
  url?: string;
}

export interface SignInput {
  body: Buffer;
  /** Unix seconds to sign with. */
  timestamp: number;
  /** Existing request headers (to reuse ids like webhook-id and the header family). */
  headers: HeaderPairs;
  /** Full URL the request goes to (Twilio). */
  url: string;
}

export interface SchemeModule {
  id: SignatureScheme;
  /** The header whose presence names this scheme (lower case). */
  detect(headers: HeaderPairs): boolean;
  /** Only called when detect() was true and at least one secret exists. */
  verify(req: SignedRequest, secrets: SchemeSecret[], opts: VerifyOptions): SignatureResult;
  /** Sign afresh; throws SwitchboardError when the scheme cannot be signed (Discord). */
  sign(input: SignInput, secret: string): SignOutput;
}
