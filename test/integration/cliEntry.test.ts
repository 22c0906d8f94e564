import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/switchboard.js runs the CLI bundle while it is newer than every file under src/, else the
// sources through tsx (never stale after an edit). Checked on a copy of the layout whose two entry
// points say which one ran.

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;

function run(env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(dir, 'bin', 'switchboard.js'), 'x'], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

function setMtime(file: string, secondsAgo: number): void {
  const t = Date.now() / 1000 - secondsAgo;
  fs.utimesSync(file, t, t);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-entry-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin', 'switchboard.js'), path.join(dir, 'bin', 'switchboard.js'));
  fs.mkdirSync(path.join(dir, 'src', 'main', 'cli'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'out', 'cli'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  fs.writeFileSync(path.join(dir, 'src', 'main', 'cli', 'index.ts'), "const from: string = 'source';\nconsole.log(`${from} ${process.argv.slice(2).join(' ')}`);\n");
  fs.writeFileSync(path.join(dir, 'out', 'cli', 'index.mjs'), "console.log(`bundle ${process.argv.slice(2).join(' ')}`);\n");
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bin/switchboard.js', { timeout: 120_000 }, () => {
  it('runs the bundle while it is newer than the sources, the sources after an edit or when asked', async () => {
    const src = path.join(dir, 'src', 'main', 'cli', 'index.ts');
    const bundle = path.join(dir, 'out', 'cli', 'index.mjs');
    setMtime(src, 60);
    setMtime(bundle, 30);
    expect(await run()).toBe('bundle x');
    expect(await run({ SWITCHBOARD_FROM_SOURCE: '1' })).toBe('source x');

    // A dangling symlink among the sources (Emacs lock files are) neither crashes nor counts.
    fs.symlinkSync('nobody@host.1234:1', path.join(dir, 'src', 'main', 'cli', '.#index.ts'));
    expect(await run()).toBe('bundle x');

    // An edit anywhere under src/ after the build (here a file deeper down).
    fs.mkdirSync(path.join(dir, 'src', 'engine', 'store'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'engine', 'store', 'edited.ts'), 'export {};\n');
    setMtime(path.join(dir, 'src', 'engine', 'store', 'edited.ts'), 10);
    expect(await run()).toBe('source x');

    // Built again: the bundle is the newest file.
    setMtime(bundle, 0);
    expect(await run()).toBe('bundle x');

    // No sources next to the bundle (an installed package): the bundle.
    fs.renameSync(path.join(dir, 'src'), path.join(dir, 'src-away'));
    expect(await run()).toBe('bundle x');
    fs.renameSync(path.join(dir, 'src-away'), path.join(dir, 'src'));

    // No bundle at all (a checkout before its first build).
    fs.rmSync(bundle);
    expect(await run()).toBe('source x');
  });
});
