import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { TunnelAssignment } from './handshake';
import { WORKER_SOURCE } from './workerSource';

// Not named `require`: electron-vite injects its own module-level `require` shim into the ESM main bundle.
const requireFromHere = createRequire(import.meta.url);
const LIBRARY = {
  tunnelPath: requireFromHere.resolve('localtunnel/lib/Tunnel.js'),
  transformerPath: requireFromHere.resolve('localtunnel/lib/HeaderHostTransformer.js'),
};

export interface SessionEvents {
  onConnections(live: number): void;
  onRequest(): void;
  /** Every connection to the server is gone (or never came up); the session is over. */
  onLost(reason: string): void;
}

export interface Session {
  readonly assignment: TunnelAssignment;
  /** Ends the worker: all of the library's sockets and timers stop. Idempotent. */
  close(): Promise<void>;
}

/**
 * One life of a tunnel: the real localtunnel client, in a worker thread, holding the connections of
 * one assignment. A reconnect is a new session (new handshake, same subdomain asked for).
 */
export function startSession(
  assignment: TunnelAssignment,
  config: { host: string; localHost: string; localPort: number; rewriteHost: boolean; graceMs: number; keepAliveMs: number },
  events: SessionEvents,
): Session {
  let ended = false;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { ...LIBRARY, ...config, assignment },
    // The client is small; a runaway would be a bug, not a reason to eat the user's memory.
    resourceLimits: { maxOldGenerationSizeMb: 96 },
    stdout: false,
    stderr: false,
  });
  let exited: Promise<void> | null = null;
  const end = (reason: string | null) => {
    if (ended) return;
    ended = true;
    if (reason !== null) events.onLost(reason);
  };
  worker.on('message', (message: unknown) => {
    if (ended || typeof message !== 'object' || message === null) return;
    const m = message as { type?: string; live?: number; reason?: string };
    if (m.type === 'connections' && typeof m.live === 'number') events.onConnections(m.live);
    else if (m.type === 'request') events.onRequest();
    else if (m.type === 'lost') end(m.reason ?? 'the tunnel connection was lost');
  });
  worker.on('error', (err) => end(`the tunnel client crashed: ${err.message}`));
  worker.on('exit', () => end('the tunnel client stopped'));
  return {
    assignment,
    close() {
      end(null);
      exited ??= worker.terminate().then(
        () => undefined,
        () => undefined,
      );
      return exited;
    },
  };
}
