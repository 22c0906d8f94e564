import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { harEntry, harLog } from '../../../engine/catcher/har';
import { loadCatchers } from '../../../engine/catcher/persist';
import { toCapture } from '../../../engine/catcher/view';
import { CaptureStore } from '../../../engine/store/captureStore';
import { ENGINE_VERSION } from '../../../engine/version';
import { resolveDataDir } from '../../dataDir';
import type { CliCommand } from '../run';
import { captureJson, captureLine } from './captureOutput';

// `switchboard captures list|export`: reads the store read-only, so it works while a catcher
// (desktop, serve or `catch`) is writing to the same data directory.

const HELP = `Usage: switchboard captures <command> [options]

Commands:
  list                       Print stored captures, oldest first
      --json                 One {"type":"capture","capture":{…,"bodyBase64"}} per line
      --catcher ID           Only this catcher's captures
  export --format har        Write a HAR 1.2 log of the stored captures
      --out FILE             Write to FILE instead of stdout
      --catcher ID           Only this catcher's captures
  replay ID… [--to URL]      Send captures again (exact bytes); --resign re-signs with a fresh
                             timestamp; see 'switchboard captures replay --help'

Common options:
  --data-dir D               Data directory (default: SWITCHBOARD_DATA_DIR, then the app's)
  -h, --help                 Show this help
`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  format: { type: 'string' },
  out: { type: 'string' },
  catcher: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const capturesCommand: CliCommand = async (argv) => {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return sub ? 0 : 2;
  }
  if (sub === 'replay') return (await import('./capturesReplay')).capturesReplayCommand(rest);
  if (sub !== 'list' && sub !== 'export') {
    process.stderr.write(`switchboard captures: unknown command '${sub}'\n\n${HELP}`);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    process.stderr.write(`switchboard captures ${sub}: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub === 'export' && values.format !== 'har') {
    process.stderr.write(`switchboard captures export: --format har is required (the only format so far)\n`);
    return 2;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const store = await CaptureStore.open(path.join(dataDir, 'captures'), { readOnly: true });
  try {
    const entries = store.all().filter((e) => values.catcher === undefined || e.catcherId === values.catcher);
    if (sub === 'list') {
      for (const e of entries) {
        const stored = await store.get(e.seq);
        if (!stored) continue;
        const capture = toCapture(stored);
        if (values.json) {
          const body = (await store.readBody(e.seq)) ?? Buffer.alloc(0);
          await writeOut(`${JSON.stringify({ type: 'capture', capture: captureJson(capture, body) })}\n`);
        } else await writeOut(`${captureLine(capture)}\n`);
      }
      return 0;
    }
    const catchers = new Map(loadCatchers(dataDir).catchers.map((c) => [c.id, c]));
    const har = [];
    for (const e of entries) {
      const stored = await store.get(e.seq);
      if (!stored) continue;
      const body = (await store.readBody(e.seq)) ?? Buffer.alloc(0);
      const saved = catchers.get(e.catcherId);
      har.push(
        harEntry(
          toCapture(stored),
          body,
          saved ? { ...saved.settings, id: saved.id, status: 'stopped', boundPort: null, url: null, error: null, captureCount: 0 } : null,
        ),
      );
    }
    const text = `${JSON.stringify(harLog(har, ENGINE_VERSION), null, 2)}\n`;
    if (values.out) {
      fs.writeFileSync(values.out, text);
      process.stderr.write(`Wrote ${har.length} captures to ${values.out}\n`);
    } else await writeOut(text);
    return 0;
  } finally {
    await store.close();
  }
};

/** Respects back-pressure so a large list piped to `head` or a file does not buffer everything. */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}
