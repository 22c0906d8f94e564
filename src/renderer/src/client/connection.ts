import type { EngineClient } from '../../../shared/client';

/** What the status bar shows about the link to the engine. */
export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'open' }
  | { status: 'reconnecting'; attempt: number; retryInMs: number; reason: string }
  | { status: 'closed'; reason: string };

/** An EngineClient that can tell whether it is connected (the bridge is always "open"). */
export interface ObservableClient extends EngineClient {
  readonly kind: 'electron' | 'web';
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
