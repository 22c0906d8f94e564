// `npm run bench`: bundles the bench and the servers it starts (esbuild, as the desktop app's main
// process is bundled: no per-closure `__name` wrappers, which tsx's on-the-fly transform adds and
// which cost the catcher ~8 µs of main-thread CPU per request), then runs it with plain node.
// `--from-source` runs everything through tsx instead, as before, to compare the two.
import { spawn } from 'node:child_process';
import process from 'node:process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../scripts/nodeBundle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const fromSource = args.includes('--from-source');
const rest = args.filter((a) => a !== '--from-source');

let command;
const env = { ...process.env };
if (fromSource) {
  command = ['--import', 'tsx', path.join(here, 'index.ts'), ...rest];
} else {
  // Two levels below the project root, like test/browser: code that finds the root from its own
  // place (the browser harness) and createRequire() (native modules) work the same from here.
  const out = path.join(here, '.out');
  fs.rmSync(out, { recursive: true, force: true });
  const servers = fs.readdirSync(path.join(here, 'servers')).filter((f) => f.endsWith('.ts')).map((f) => path.join(here, 'servers', f));
  await build({
    entryPoints: [path.join(here, 'index.ts'), ...servers],
    outdir: out,
    outbase: here,
    outExtension: { '.js': '.mjs' },
    ...NODE_BUNDLE,
  });
  env.SWITCHBOARD_BENCH_SERVERS = path.join(out, 'servers');
  command = [path.join(out, 'index.mjs'), ...rest];
}
const child = spawn(process.execPath, command, { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
