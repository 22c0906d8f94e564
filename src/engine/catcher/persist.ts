import fs from 'node:fs';
import path from 'node:path';
import { catcherSettingsSchema, type CatcherSettings } from '../../shared/model/catcher';

// catchers.json: the user's catchers, whether each was running, and the port it last had (so a
// catcher on "any free port" comes back on the same URL after a restart when it can).

export interface SavedCatcher {
  id: string;
  settings: CatcherSettings;
  running: boolean;
  lastPort: number | null;
}

interface FileShape {
  version: 1;
  catchers: SavedCatcher[];
}

export function catchersFile(dataDir: string): string {
  return path.join(dataDir, 'catchers.json');
}

/** Unreadable or malformed entries are skipped (and the file kept aside), never fatal. */
export function loadCatchers(dataDir: string): { catchers: SavedCatcher[]; problem: string | null } {
  const file = catchersFile(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { catchers: [], problem: null };
  }
  try {
    const parsed = JSON.parse(text) as Partial<FileShape>;
    const out: SavedCatcher[] = [];
    for (const raw of Array.isArray(parsed.catchers) ? parsed.catchers : []) {
      const settings = catcherSettingsSchema.safeParse(raw?.settings);
      if (!settings.success || typeof raw.id !== 'string') continue;
      out.push({
        id: raw.id,
        settings: settings.data,
        running: raw.running === true,
        lastPort: typeof raw.lastPort === 'number' ? raw.lastPort : null,
      });
    }
    return { catchers: out, problem: null };
  } catch (err) {
    fs.copyFileSync(file, `${file}.corrupt-${Date.now()}`);
    return { catchers: [], problem: `catchers.json could not be read (${String(err)}); a copy was kept aside` };
  }
}

/** Atomic: write a temp file, fsync, rename. */
export function saveCatchers(dataDir: string, catchers: SavedCatcher[]): void {
  const file = catchersFile(dataDir);
  const tmp = `${file}.tmp-${process.pid}`;
  const body: FileShape = { version: 1, catchers };
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(body, null, 2));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
