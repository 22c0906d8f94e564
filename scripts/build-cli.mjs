// Bundles the `switchboard` CLI (src/main/cli) into out/cli/index.mjs for bin/switchboard.js, which
// runs it while no source file is newer (else the sources, through tsx). Bundled like the app's
// main process: tsx's on-the-fly transform wraps every closure in a __name() call (keepNames), which
// cost the catcher ~8 µs of CPU per request under load (see BENCHMARKS.md).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE } from './nodeBundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'src', 'main', 'cli', 'index.ts')],
  outfile: path.join(root, 'out', 'cli', 'index.mjs'),
  ...NODE_BUNDLE,
});
