import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What is remembered per catcher, so a tunnel comes back with the catcher (and the same URL if it can). */
export interface SavedCatcherTunnel {
  /** The user wants this catcher exposed: reopen whenever the catcher runs. */
  enabled: boolean;
  subdomain: string | null;
  host: string | null;
  localHost: string | null;
  /** Last subdomain the server assigned: asked for again on the next open. */
  lastSubdomain: string | null;
  lastUrl: string | null;
}

export interface TunnelStoreData {
  version: 1;
  catchers: Record<string, SavedCatcherTunnel>;
}

export const EMPTY_STORE: TunnelStoreData = { version: 1, catchers: {} };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length < 4096 ? v : null);

/** Pure: tolerant of a hand-edited or older file; anything unreadable is dropped, never fatal. */
export function parseTunnelStore(text: string): TunnelStoreData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { version: 1, catchers: {} };
  }
  const out: TunnelStoreData = { version: 1, catchers: {} };
  const catchers = typeof raw === 'object' && raw !== null ? (raw as { catchers?: unknown }).catchers : null;
  if (typeof catchers !== 'object' || catchers === null) return out;
  for (const [id, value] of Object.entries(catchers as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    out.catchers[id] = {
      enabled: v.enabled === true,
      subdomain: str(v.subdomain),
      host: str(v.host),
      localHost: str(v.localHost),
      lastSubdomain: str(v.lastSubdomain),
      lastUrl: str(v.lastUrl),
    };
  }
  return out;
}

export function stringifyTunnelStore(data: TunnelStoreData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Thin I/O: one small JSON file in the data directory, replaced atomically. */
export function createTunnelStoreFile(dataDir: string) {
  const file = path.join(dataDir, 'tunnels.json');
  return {
    file,
    load(): TunnelStoreData {
      try {
        return parseTunnelStore(readFileSync(file, 'utf8'));
      } catch {
        return { version: 1, catchers: {} };
      }
    },
    save(data: TunnelStoreData): void {
      mkdirSync(dataDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, stringifyTunnelStore(data));
      renameSync(tmp, file);
    },
  };
}
