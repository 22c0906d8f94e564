import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretStorage } from '../../shared/model/workspace';
import type { SecretBox } from '../webhookTools/secretBox';
import { writeFileAtomic } from './files';

// Values of variables marked secret. They never go into workspace files. Sources, first wins:
//   1. environment variable SWITCHBOARD_VAR_<NAME> (name upper-cased, other characters → "_")
//   2. a local secrets file outside the workspace (JSON {"name": "value"} or NAME=value lines),
//      given by the door (`--secrets FILE`) or SWITCHBOARD_SECRETS_FILE
//   3. the secret box: values set in the app, encrypted with the OS keychain (Electron safeStorage)
//      or, when none is available (web/CLI door, Linux without a keyring), stored readable in the
//      engine's data directory — the UI shows a warning then.
// Scope keys: "global", "collection:<folder>", "environment:<name>".

export function envVarName(variable: string): string {
  return `SWITCHBOARD_VAR_${variable.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function parseSecretsFile(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const doc = JSON.parse(trimmed) as unknown;
    const out: Record<string, string> = {};
    if (typeof doc === 'object' && doc !== null) {
      for (const [k, v] of Object.entries(doc)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    }
    return out;
  }
  const out: Record<string, string> = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([^#=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = (m[2] ?? '').trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1] ?? ''] = v;
  }
  return out;
}

export interface SecretSourceOptions {
  box: SecretBox;
  /** Process environment (injected for tests). */
  env: Record<string, string | undefined>;
  secretsFile?: string;
}

export class SecretStore {
  private data: Record<string, Record<string, string>> = {};
  private fileValues: Record<string, string> = {};
  private fileProblem: string | null = null;

  constructor(
    private readonly storeFile: string,
    private readonly opts: SecretSourceOptions,
  ) {}

  load(workspaceDir: string | null): void {
    try {
      const doc = JSON.parse(readFileSync(this.storeFile, 'utf8')) as unknown;
      this.data = typeof doc === 'object' && doc !== null ? (doc as Record<string, Record<string, string>>) : {};
    } catch {
      this.data = {};
    }
    this.fileValues = {};
    this.fileProblem = null;
    const file = this.opts.secretsFile ?? this.opts.env.SWITCHBOARD_SECRETS_FILE;
    if (file) {
      const abs = path.resolve(file);
      if (workspaceDir && !path.relative(workspaceDir, abs).startsWith('..')) {
        this.fileProblem = `The secrets file ${abs} is inside the workspace folder, where it could be committed; it was not read.`;
        return;
      }
      try {
        this.fileValues = parseSecretsFile(readFileSync(abs, 'utf8'));
      } catch (err) {
        this.fileProblem = `The secrets file ${abs} could not be read: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }

  get storage(): SecretStorage {
    return this.opts.box.kind === 'os-encrypted' ? 'os-keychain' : 'plain-file';
  }

  get warning(): string | null {
    const parts: string[] = [];
    if (this.opts.box.kind !== 'os-encrypted') {
      parts.push(
        `No OS secret store is available here, so secret values set in the app are kept unencrypted in ${this.storeFile}. ` +
          `Use ${envVarName('name')} environment variables or a secrets file outside the workspace instead.`,
      );
    }
    if (this.fileProblem) parts.push(this.fileProblem);
    return parts.length ? parts.join(' ') : null;
  }

  get(scope: string, name: string): string | undefined {
    const fromEnv = this.opts.env[envVarName(name)];
    if (fromEnv !== undefined) return fromEnv;
    if (Object.prototype.hasOwnProperty.call(this.fileValues, name)) return this.fileValues[name];
    const stored = this.data[scope]?.[name];
    if (stored === undefined) return undefined;
    try {
      return this.opts.box.decrypt(stored);
    } catch {
      // Encrypted by another machine's keychain: as if unset.
      return undefined;
    }
  }

  /** Values for the secret names of one scope. */
  valuesFor(scope: string, names: string[]): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (const n of names) out[n] = this.get(scope, n);
    return out;
  }

  async set(scope: string, name: string, value: string): Promise<void> {
    const bucket = (this.data[scope] ??= {});
    bucket[name] = this.opts.box.encrypt(value);
    await this.save();
  }

  /** Keeps only `names` in a scope (a secret removed from the file loses its value). */
  async retain(scope: string, names: Set<string>): Promise<void> {
    const bucket = this.data[scope];
    if (!bucket) return;
    let changed = false;
    for (const n of Object.keys(bucket)) {
      if (!names.has(n)) {
        delete bucket[n];
        changed = true;
      }
    }
    if (changed) await this.save();
  }

  async renameScope(from: string, to: string): Promise<void> {
    if (!this.data[from]) return;
    this.data[to] = this.data[from];
    delete this.data[from];
    await this.save();
  }

  async dropScope(scope: string): Promise<void> {
    if (!this.data[scope]) return;
    delete this.data[scope];
    await this.save();
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.storeFile, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
