import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { figures } from './figures/index';
import type { FigureResult } from './lib/types';
import { formatTable, type Row } from './lib/table';

// `npm run bench [-- --only NAME[,NAME]] [--json] [--quick] [--list] [--help] [--from-source]`: every figure listed
// in bench/figures/index.ts, each measuring its baseline and ours in this same run. bench/run.mjs
// bundles this file and the servers first (see there).

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    [
      'npm run bench [-- options]   every figure, each against its baseline measured in the same run',
      '  --only a,b       only these figures (see --list)',
      '  --list           the figures, a line each',
      '  --json           the results as JSON instead of the table (progress stays on stderr)',
      '  --quick          short rounds: a smoke run, not figures to quote',
      '  --from-source    run the sources through tsx instead of esbuild bundles',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

if (values.list) {
  for (const f of figures) process.stdout.write(`${f.name.padEnd(24)} ${f.description}\n`);
  process.exit(0);
}
const only = values.only?.split(',').map((s) => s.trim());
const selected = only ? figures.filter((f) => only.includes(f.name)) : figures;
if (only && selected.length !== only.length) {
  process.stderr.write(`Unknown figure(s): ${only.filter((n) => !figures.some((f) => f.name === n)).join(', ')}. Known: ${figures.map((f) => f.name).join(', ')}\n`);
  process.exit(2);
}

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};
const rows: Row[] = [];
for (const f of selected) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `sb-bench-${f.name}-`));
  log(`… ${f.name}: ${f.description}`);
  const started = Date.now();
  let result: FigureResult | { error: string };
  try {
    result = await f.run({ tmp, quick: values.quick, log: (m) => log(`  ${f.name}: ${m}`) });
  } catch (err) {
    result = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  rows.push({ name: f.name, area: f.area, seconds: (Date.now() - started) / 1000, result });
  log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const machine = { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}`, memGiB: Math.round(os.totalmem() / 2 ** 30) };
if (values.json) process.stdout.write(`${JSON.stringify({ machine, figures: rows }, null, 2)}\n`);
else process.stdout.write(`${formatTable(rows)}\nmachine: ${machine.nproc} cores (${machine.cpu}), node ${machine.node}, ${machine.platform}\n`);
process.exitCode = rows.every((r) => 'pass' in r.result && r.result.pass) ? 0 : 1;
