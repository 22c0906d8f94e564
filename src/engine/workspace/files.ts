import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SwitchboardError } from '../../shared/errors';
import type { FileEntry } from '../../shared/formats/collectionFiles';

// The thin file layer of the workspace: read a folder's JSON files, write one atomically. All
// parsing is in src/shared/formats/collectionFiles.ts.

const SKIP_DIRS = new Set(['.git', 'node_modules', '.svn', '.hg', '.idea', '.vscode']);
const MAX_FILES = 20_000;
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const MAX_DEPTH = 16;

/** Every *.json file under `dir` (relative '/'-paths), skipping VCS and dependency folders. */
export async function readJsonTree(dir: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const walk = async (abs: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') && e.isDirectory()) continue;
      const childAbs = path.join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(childAbs, childRel, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.json')) {
        try {
          const s = await stat(childAbs);
          if (s.size > MAX_FILE_BYTES) continue;
          out.push({ path: childRel, text: await readFile(childAbs, 'utf8') });
        } catch {
          // Vanished between readdir and read (git checkout in progress); the watcher reloads again.
        }
      }
    }
  };
  await walk(dir, '', 0);
  return out;
}

/**
 * Writes via a temp file and rename, so a watcher or git never sees half a file. Pieces of a
 * Buffer are written in order without joining them first.
 */
export async function writeFileAtomic(file: string, text: string | Buffer | readonly Buffer[]): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new SwitchboardError('FILE_WRITE_FAILED', `Cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SwitchboardError('FILE_READ_FAILED', `Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function removePath(p: string): Promise<void> {
  try {
    await rm(p, { recursive: true, force: true });
  } catch (err) {
    throw new SwitchboardError('FILE_WRITE_FAILED', `Cannot remove ${p}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Resolves a workspace-relative path and refuses anything that would leave the workspace. */
export function inside(root: string, rel: string): string {
  const abs = path.resolve(root, ...rel.split('/'));
  const r = path.relative(root, abs);
  if (r === '' || r.startsWith('..') || path.isAbsolute(r)) {
    throw new SwitchboardError('VALIDATION_FAILED', `"${rel}" is not a path inside the workspace.`);
  }
  return abs;
}
