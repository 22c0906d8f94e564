import type { ObservableClient } from './connection';

// Feature stores are module-level zustand stores, so they reach the one client through here
// rather than through React context. Set once at startup (main.tsx) or by a test.
let current: ObservableClient | null = null;

export function setClient(client: ObservableClient): void {
  current = client;
}

export function engine(): ObservableClient {
  if (!current) throw new Error('EngineClient not initialised');
  return current;
}

/** Calls `fn` every time the connection (re)opens, and now if it is already open: resync hooks. */
export function onEngineReady(fn: () => void): () => void {
  const client = engine();
  let wasOpen = client.connection().status === 'open';
  if (wasOpen) fn();
  return client.onConnection((s) => {
    const open = s.status === 'open';
    if (open && !wasOpen) fn();
    wasOpen = open;
  });
}

/** Human words for any error thrown by invoke. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
