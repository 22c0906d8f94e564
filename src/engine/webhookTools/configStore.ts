import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type {
  CatcherToolsConfig,
  ForwardConfig,
  MockRule,
  SecretInfo,
  SecretStorageKind,
  SignatureScheme,
} from '../../shared/model/webhookTools';
import type { SecretBox } from './secretBox';

// Per-catcher webhook-tool settings in <dataDir>/webhook-tools.json. Secrets are stored through the
// SecretBox (encrypted on desktop); exports never read this file.

interface StoredSecret extends SecretInfo {
  box: SecretStorageKind;
  data: string;
}

interface StoredCatcher {
  tolerances: Partial<Record<SignatureScheme, number>>;
  publicUrl: string;
  forward: ForwardConfig;
  rules: MockRule[];
  secrets: StoredSecret[];
}

interface StoredFile {
  version: 1;
  catchers: Record<string, StoredCatcher>;
}

export const DEFAULT_FORWARD: ForwardConfig = { target: '', answerMode: 'configured', timeoutMs: 30_000 };

function emptyCatcher(): StoredCatcher {
  return { tolerances: {}, publicUrl: '', forward: { ...DEFAULT_FORWARD }, rules: [], secrets: [] };
}

const EMPTY: StoredCatcher = emptyCatcher();

export function secretHint(secret: string): string {
  const prefix = /^(whsec_|pdl_ntfset_|shpss_)/.exec(secret)?.[0] ?? '';
  return secret.length <= 8 ? `${prefix}…` : `${prefix}…${secret.slice(-4)}`;
}

/** Secrets usable for verification, decrypted, tagged with their scheme. */
export interface LiveSecret {
  id: string;
  scheme: SignatureScheme;
  label: string;
  secret: string;
}

export class ToolsConfigStore {
  private readonly file: string;
  private data: StoredFile = { version: 1, catchers: {} };
  /** Decrypted secrets, and CLI secrets that never touch the disk. */
  private readonly live = new Map<string, LiveSecret[]>();
  private readonly ephemeral = new Map<string, LiveSecret[]>();
  private readonly locked = new Set<string>();

  constructor(
    dataDir: string,
    private readonly box: SecretBox,
  ) {
    this.file = path.join(dataDir, 'webhook-tools.json');
    this.load();
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    try {
      const parsed = JSON.parse(text) as StoredFile;
      if (parsed && parsed.version === 1 && typeof parsed.catchers === 'object') this.data = parsed;
    } catch {
      // A damaged settings file must not stop the engine; the next save rewrites it.
    }
    for (const [catcherId, c] of Object.entries(this.data.catchers)) {
      c.forward = { ...DEFAULT_FORWARD, ...c.forward };
      c.rules ??= [];
      c.secrets ??= [];
      c.tolerances ??= {};
      c.publicUrl ??= '';
      this.live.set(catcherId, this.decryptAll(c.secrets));
    }
  }

  private decryptAll(secrets: StoredSecret[]): LiveSecret[] {
    const out: LiveSecret[] = [];
    for (const s of secrets) {
      try {
        if (s.box !== this.box.kind) throw new Error('stored with another secret box');
        out.push({ id: s.id, scheme: s.scheme, label: s.label, secret: this.box.decrypt(s.data) });
        this.locked.delete(s.id);
      } catch {
        this.locked.add(s.id);
      }
    }
    return out;
  }

  private save(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(this.data, null, 2));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  private entry(catcherId: string): StoredCatcher {
    let c = this.data.catchers[catcherId];
    if (!c) {
      c = emptyCatcher();
      this.data.catchers[catcherId] = c;
    }
    return c;
  }

  has(catcherId: string): boolean {
    return !!this.data.catchers[catcherId] || !!this.ephemeral.get(catcherId)?.length;
  }

  get(catcherId: string): CatcherToolsConfig {
    const c = this.data.catchers[catcherId] ?? emptyCatcher();
    const secrets: SecretInfo[] = c.secrets.map(({ id, scheme, label, hint, createdAt }) => ({
      id,
      scheme,
      label,
      hint,
      createdAt,
      ...(this.locked.has(id) ? { locked: true } : {}),
    }));
    for (const s of this.ephemeral.get(catcherId) ?? []) {
      secrets.push({ id: s.id, scheme: s.scheme, label: s.label, hint: secretHint(s.secret), createdAt: '', ephemeral: true });
    }
    return {
      catcherId,
      secrets,
      tolerances: { ...c.tolerances },
      publicUrl: c.publicUrl,
      forward: { ...c.forward },
      rules: structuredClone(c.rules),
    };
  }

  /** The live settings without copying (hot path: every capture); callers must not mutate. */
  peek(catcherId: string): Readonly<Pick<CatcherToolsConfig, 'tolerances' | 'publicUrl' | 'forward' | 'rules'>> {
    return this.data.catchers[catcherId] ?? EMPTY;
  }

  secretsFor(catcherId: string): LiveSecret[] {
    return [...(this.live.get(catcherId) ?? []), ...(this.ephemeral.get(catcherId) ?? [])];
  }

  update(catcherId: string, patch: Partial<Pick<CatcherToolsConfig, 'tolerances' | 'publicUrl' | 'forward' | 'rules'>>): CatcherToolsConfig {
    const c = this.entry(catcherId);
    if (patch.tolerances) c.tolerances = { ...patch.tolerances };
    if (patch.publicUrl !== undefined) c.publicUrl = patch.publicUrl;
    if (patch.forward) c.forward = { ...c.forward, ...patch.forward };
    if (patch.rules) c.rules = structuredClone(patch.rules);
    this.save();
    return this.get(catcherId);
  }

  addSecret(catcherId: string, scheme: SignatureScheme, secret: string, label: string, ephemeral: boolean): SecretInfo {
    const same = this.secretsFor(catcherId).find((s) => s.scheme === scheme && s.secret === secret);
    if (same) {
      const info = this.get(catcherId).secrets.find((s) => s.id === same.id);
      if (info) return info;
    }
    const id = `sec_${randomUUID().slice(0, 8)}`;
    if (ephemeral) {
      const list = this.ephemeral.get(catcherId) ?? [];
      list.push({ id, scheme, label, secret });
      this.ephemeral.set(catcherId, list);
      return { id, scheme, label, hint: secretHint(secret), createdAt: '', ephemeral: true };
    }
    const c = this.entry(catcherId);
    const stored: StoredSecret = {
      id,
      scheme,
      label,
      hint: secretHint(secret),
      createdAt: new Date().toISOString(),
      box: this.box.kind,
      data: this.box.encrypt(secret),
    };
    c.secrets.push(stored);
    this.save();
    const live = this.live.get(catcherId) ?? [];
    live.push({ id, scheme, label, secret });
    this.live.set(catcherId, live);
    const { box: _box, data: _data, ...info } = stored;
    return info;
  }

  removeSecret(catcherId: string, secretId: string): boolean {
    const eph = this.ephemeral.get(catcherId);
    if (eph?.some((s) => s.id === secretId)) {
      this.ephemeral.set(catcherId, eph.filter((s) => s.id !== secretId));
      return true;
    }
    const c = this.data.catchers[catcherId];
    if (!c || !c.secrets.some((s) => s.id === secretId)) return false;
    c.secrets = c.secrets.filter((s) => s.id !== secretId);
    this.live.set(catcherId, (this.live.get(catcherId) ?? []).filter((s) => s.id !== secretId));
    this.locked.delete(secretId);
    this.save();
    return true;
  }

  catcherIds(): string[] {
    return Object.keys(this.data.catchers);
  }

  remove(catcherId: string): void {
    this.ephemeral.delete(catcherId);
    this.live.delete(catcherId);
    if (this.data.catchers[catcherId]) {
      delete this.data.catchers[catcherId];
      this.save();
    }
  }
}
