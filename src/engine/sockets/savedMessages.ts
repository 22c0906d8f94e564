import fs from 'node:fs/promises';
import path from 'node:path';
import { SwitchboardError } from '../../shared/errors';
import { wsSavedMessageSchema, type WsSavedMessage } from '../../shared/model/sockets';

interface FileShape {
  version: 1;
  libraries: Record<string, WsSavedMessage[]>;
}

/** Parses the saved-messages file; damaged entries are dropped, never the whole file. */
export function parseSavedFile(text: string): Record<string, WsSavedMessage[]> {
  const out: Record<string, WsSavedMessage[]> = {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  const libs = (raw as Partial<FileShape> | null)?.libraries;
  if (!libs || typeof libs !== 'object') return out;
  for (const [key, list] of Object.entries(libs)) {
    if (!Array.isArray(list)) continue;
    const good = list.flatMap((m) => {
      const r = wsSavedMessageSchema.safeParse(m);
      return r.success ? [r.data] : [];
    });
    if (good.length) out[key] = good;
  }
  return out;
}

export function stringifySavedFile(libraries: Record<string, WsSavedMessage[]>): string {
  const shape: FileShape = { version: 1, libraries };
  return JSON.stringify(shape, null, 2) + '\n';
}

/** The per-endpoint libraries of saved messages, one JSON file in the data directory. */
export class SavedMessages {
  private libraries: Record<string, WsSavedMessage[]> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async load(): Promise<Record<string, WsSavedMessage[]>> {
    if (this.libraries) return this.libraries;
    let text = '';
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      // No file yet.
    }
    this.libraries ??= parseSavedFile(text);
    return this.libraries;
  }

  async list(key: string): Promise<WsSavedMessage[]> {
    return (await this.load())[key] ?? [];
  }

  async put(key: string, message: WsSavedMessage): Promise<WsSavedMessage[]> {
    const libs = await this.load();
    const list = libs[key] ?? [];
    const i = list.findIndex((m) => m.id === message.id);
    if (i === -1) list.push(message);
    else list[i] = message;
    libs[key] = list;
    await this.persist();
    return list;
  }

  async delete(key: string, id: string): Promise<WsSavedMessage[]> {
    const libs = await this.load();
    const list = (libs[key] ?? []).filter((m) => m.id !== id);
    if (list.length) libs[key] = list;
    else delete libs[key];
    await this.persist();
    return list;
  }

  private persist(): Promise<void> {
    const text = stringifySavedFile(this.libraries ?? {});
    const write = this.writing.then(async () => {
      try {
        await fs.mkdir(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await fs.writeFile(tmp, text);
        await fs.rename(tmp, this.file);
      } catch (err) {
        throw new SwitchboardError('FILE_WRITE_FAILED', `Could not save messages to ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}
