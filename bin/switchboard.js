#!/usr/bin/env node
// The `switchboard` CLI in a checkout. Runs the bundle `npm install` / `npm run build` made
// (out/cli/index.mjs, see scripts/build-cli.mjs) while no file under src/ is newer than it;
// otherwise — a fresh edit, or no build yet — the sources, compiled on the fly by tsx, so the CLI is
// never stale. SWITCHBOARD_FROM_SOURCE=1 always takes the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'out', 'cli', 'index.mjs');

/** Whether any file under `dir` was modified after `time` (ms). ~250 files: a few ms. */
function newerThan(dir, time) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (newerThan(p, time)) return true;
      continue;
    }
    let mtime;
    try {
      mtime = fs.statSync(p).mtimeMs;
    } catch {
      // A dangling symlink (an editor's lock file) is no source: skip it rather than fail to start.
      continue;
    }
    if (mtime > time) return true;
  }
  return false;
}

function bundleIsFresh() {
  if (process.env.SWITCHBOARD_FROM_SOURCE === '1') return false;
  let built;
  try {
    built = fs.statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  // No sources next to it (an installed package): the bundle is all there is.
  if (!fs.existsSync(path.join(root, 'src'))) return true;
  try {
    return !newerThan(path.join(root, 'src'), built);
  } catch {
    // Sources that cannot be listed: run them the slow way rather than guess.
    return false;
  }
}

if (bundleIsFresh()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src', 'main', 'cli', 'index.ts')).href);
}
