import { EngineClientError } from '../../../shared/client';
import type { ErrorCode } from '../../../shared/errors';

// What to do next, per error code; the engine's message says what happened.
const hints: Partial<Record<ErrorCode, string>> = {
  CATCHER_PORT_IN_USE: 'Pick another port, or use 0 to get a free one.',
  CATCHER_PORT_DENIED: 'Ports below 1024 need extra rights: choose a port above 1024, or 0 for a free one.',
  CATCHER_LISTEN_FAILED: 'Check the host and port in the catcher settings.',
  STORE_WRITE_FAILED: 'Free some disk space or fix the data directory permissions; senders get 503 until then.',
  STORE_CORRUPT: 'The damaged part was skipped; everything before it is intact.',
  VALIDATION_FAILED: 'Check the highlighted values.',
  ENGINE_CLOSED: 'Restart Switchboard.',
};

export function errorCode(err: unknown): ErrorCode | null {
  if (err instanceof EngineClientError) return err.code;
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string') {
    return (err as { code: ErrorCode }).code;
  }
  return null;
}

/** "port 4000 is taken. Pick another port, or use 0 to get a free one." */
export function explainError(err: unknown): string {
  const message =
    err instanceof Error ? err.message : typeof err === 'object' && err !== null && 'message' in err ? String((err as { message: unknown }).message) : String(err);
  const code = errorCode(err);
  const hint = code ? hints[code] : undefined;
  // Engine messages often say what to do already; one piece of advice is enough.
  if (!hint || message.includes(hint) || /\b(pick|choose|try|use|free|check|restart)\b/i.test(message)) return message;
  return `${message.replace(/[.\s]+$/, '')}. ${hint}`;
}
