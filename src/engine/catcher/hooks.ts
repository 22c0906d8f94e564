import type { HeaderPairs } from '../../shared/model/common';
import type { z } from 'zod';
import type { Capture, CaptureSummary, CatcherState, catcherSettingsSchema } from '../../shared/model/catcher';

export type CatcherSettingsInput = z.input<typeof catcherSettingsSchema>;
import type { CaptureAnnotations } from '../../shared/model/webhookTools';

// Extension points for the webhook tools (signatures, forward, replay, mock rules; issue 6) and the
// tunnel. The catcher owns the socket and the store; hooks only decide annotations and answers.

/** A request as captured, before it has an id (annotate runs before the record is written). */
export type IncomingCapture = Omit<Capture, 'id' | 'seq' | 'annotations' | 'signatureStatus' | 'duplicateOf'>;

/** How much of a body's start plainAnnotations is given at least (the whole body when shorter). */
export const PLAIN_BODY_HEAD = 4096;

export interface AnnotateContext {
  catcher: CatcherState;
  capture: IncomingCapture;
  /** The stored bytes (up to the cap). Do not keep a reference: it is released after the write. */
  body: Buffer;
}

export interface RespondContext {
  catcher: CatcherState;
  /** Durable by now, with the annotations from `annotate`. */
  capture: Capture;
  body: Buffer;
}

export interface HookResponse {
  status: number;
  headers: HeaderPairs;
  body: Buffer | string;
  delayMs?: number;
  /** Merged into the capture (appended as an update record) after the answer. */
  annotations?: Partial<CaptureAnnotations>;
}

export interface AfterResponseContext extends RespondContext {
  response: { status: number; headers: HeaderPairs; body: Buffer };
}

export interface CatcherHooks {
  /** Synchronous, before the record is stored: what it returns is written with the capture. */
  annotate?(ctx: AnnotateContext): Partial<CaptureAnnotations> | null | undefined;
  /**
   * A cheap first look at the raw request (node's flat rawHeaders): the annotations annotate would
   * return when they are the same for every plain request (nothing signed, no delivery id), or
   * undefined to call annotate. Building annotate's view costs more than most captures need.
   * `bodyHead` is the body, or a piece of it at least PLAIN_BODY_HEAD bytes long from its start.
   */
  plainAnnotations?(rawHeaders: readonly string[], bodyHead: Buffer, contentType: string | null): Partial<CaptureAnnotations> | undefined;
  /** After the capture is durable; null = the catcher's configured response. Not called for 413. */
  respond?(ctx: RespondContext): Promise<HookResponse | null>;
  /** After our answer has been written (forwarding in the background, …). Errors are ignored. */
  afterResponse?(ctx: AfterResponseContext): void;
  /**
   * Whether respond/afterResponse have anything to do for this capture (answer rules, forwarding, a
   * delivery id to settle). False skips them and the Capture built for them; absent means true.
   */
  wants?(catcher: CatcherState, annotations: Partial<CaptureAnnotations> | null): boolean;
}

export interface CapturePatch {
  annotations?: Partial<CaptureAnnotations>;
  responseStatus?: number;
}

/** What other engine services may use (passed as `deps.catchers`). */
export interface CatcherApi {
  /** A running catcher that is not saved in catchers.json (CLI `catch`); its captures are stored as usual. */
  createTransient(settings: CatcherSettingsInput): Promise<CatcherState>;
  getCatcher(id: string): CatcherState | null;
  listCatchers(): CatcherState[];
  getCapture(id: string): Promise<Capture | null>;
  /** The whole stored body (checksum verified); null when the capture does not exist. */
  readBody(id: string): Promise<Buffer | null>;
  /** Appends an update record (merged on read) and emits 'capture.updated'. */
  annotate(id: string, patch: CapturePatch): Promise<CaptureSummary | null>;
  /** Replaces the hooks (one owner: the webhook tools). */
  setHooks(hooks: CatcherHooks | null): void;
  /** Every state change of every catcher (bound port, status); returns an unsubscribe function. */
  onCatcherState(listener: (state: CatcherState) => void): () => void;
  /** Every new capture once durable; returns an unsubscribe function. */
  onCapture(listener: (summary: CaptureSummary) => void): () => void;
}
