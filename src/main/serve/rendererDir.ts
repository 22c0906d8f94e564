import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout (or installed package) root: the nearest folder up with our package.json. */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'switchboard') return dir;
      } catch {
        // unreadable package.json: keep looking upwards
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function defaultRendererDir(root: string | null = packageRoot()): string | null {
  return root ? path.join(root, 'out', 'renderer') : null;
}

export function isRendererBuilt(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}

/**
 * Builds the app with electron-vite when out/renderer is missing (a fresh checkout). Output goes
 * to stderr so --json stdout stays machine-readable.
 */
export async function buildRenderer(root: string): Promise<void> {
  const bin = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  if (!existsSync(bin)) throw new Error('electron-vite is not installed: run `npm install`, then `npm run build`.');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the build failed (exit ${code}); run \`npm run build\` to see why.`))));
  });
}
