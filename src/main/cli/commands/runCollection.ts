import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../engine';
import { toErrorShape } from '../../../shared/errors';
import type { TreeNode } from '../../../shared/model/workspace';
import { resolveDataDir } from '../../dataDir';
import { parseCommandArgs } from '../args';

const HELP = `Usage: switchboard run COLLECTION_DIR [options]

Send every request of a collection folder, in the collection's order, through the Switchboard
engine (variables, secrets and the workspace cookie jar as in the app). One line per request.

Options:
      --env NAME         Environment of the workspace (the folder holding COLLECTION_DIR)
      --secrets FILE     Secret variable values: JSON {"name":"value"} or NAME=value lines; must be
                         outside the workspace. SWITCHBOARD_VAR_<NAME> environment variables also work.
      --bail             Stop at the first failure
      --json             One JSON line per request: {"type":"result","name","method","url","status","timeMs"}
                         (plus "error":{code,message} when it failed), then {"type":"summary",…}
      --data-dir DIR     Engine data directory
  -h, --help             This help

A request fails when it cannot be sent, uses a variable that no scope defines (it is then not sent),
or answers 4xx/5xx. Exit status: 0 when every request passed, 1 when any failed, 2 for bad usage.
`;

interface Line {
  type: 'result';
  name: string;
  method: string;
  url: string;
  status: number | null;
  timeMs: number | null;
  error?: { code: string; message: string };
}

function requestsInOrder(nodes: TreeNode[], prefix: string[] = []): Array<{ path: string; label: string }> {
  const out: Array<{ path: string; label: string }> = [];
  for (const n of nodes) {
    if (n.kind === 'request') out.push({ path: n.path, label: [...prefix, n.name].join(' / ') });
    else out.push(...requestsInOrder(n.children, [...prefix, n.name]));
  }
  return out;
}

export async function runCollectionCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'run',
    argv,
    {
      env: { type: 'string' },
      secrets: { type: 'string' },
      bail: { type: 'boolean' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values: o, positionals } = parsed;
  const dirArg = positionals[0];
  if (!dirArg || positionals.length > 1) {
    process.stderr.write(`switchboard run: give one COLLECTION_DIR\n\n${HELP}`);
    return 2;
  }
  const collectionDir = path.resolve(dirArg);
  if (!existsSync(path.join(collectionDir, 'collection.json'))) {
    process.stderr.write(`switchboard run: ${collectionDir} is not a collection folder (no collection.json)\n`);
    return 2;
  }
  const print = (line: Line): void => {
    if (o.json) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    const mark = line.error || (line.status !== null && line.status >= 400) ? '✗' : '✓';
    const what = line.error ? `${line.error.code}: ${line.error.message}` : `${line.status}`;
    const time = line.timeMs !== null ? ` ${line.timeMs} ms` : '';
    process.stdout.write(`${mark} ${line.name} — ${line.method} ${line.url} → ${what}${time}\n`);
  };

  if (o.secrets) process.env.SWITCHBOARD_SECRETS_FILE = path.resolve(o.secrets);
  // restoreCatchers: a one-off run must not start the saved catchers on their ports.
  let engine;
  try {
    engine = await createEngine({ dataDir: resolveDataDir(o['data-dir']), door: 'cli', restoreCatchers: false });
  } catch (err) {
    // e.g. STORE_LOCKED while the desktop app holds the same data directory.
    const e = toErrorShape(err);
    process.stderr.write(`switchboard run: ${e.message} [${e.code}]\n`);
    return 1;
  }
  let passed = 0;
  let failed = 0;
  try {
    let info;
    try {
      info = await engine.invoke('workspace.open', { dir: collectionDir });
    } catch (err) {
      const e = toErrorShape(err);
      process.stderr.write(`switchboard run: ${e.message} [${e.code}]\n`);
      return 2;
    }
    if (info.secretWarning && o.secrets) process.stderr.write(`switchboard run: ${info.secretWarning}\n`);
    const folder = path.basename(collectionDir);
    const coll = info.collections.find((c) => c.path === folder);
    if (!coll) {
      process.stderr.write(`switchboard run: ${collectionDir} could not be read as a collection\n`);
      return 2;
    }
    if (o.env !== undefined && !info.environments.some((e) => e.name === o.env)) {
      const names = info.environments.map((e) => e.name);
      process.stderr.write(`switchboard run: no environment "${o.env}"${names.length ? ` (have: ${names.join(', ')})` : ''}\n`);
      return 2;
    }
    for (const p of info.problems) process.stderr.write(`switchboard run: skipped ${p.where}: ${p.reason}\n`);
    const environment = o.env ?? null;
    for (const item of requestsInOrder(coll.children)) {
      let line: Line;
      try {
        const req = await engine.invoke('workspace.request.read', { path: item.path });
        const check = await engine.invoke('workspace.variables', { collection: coll.path, spec: req.spec, environment });
        if (check.unresolved.length) {
          line = {
            type: 'result',
            name: item.label,
            method: req.spec.method,
            url: req.spec.url,
            status: null,
            timeMs: null,
            error: { code: 'VARIABLES_UNRESOLVED', message: `unresolved variables: ${check.unresolved.map((v) => `{{${v}}}`).join(', ')} (not sent)` },
          };
        } else {
          const started = performance.now();
          try {
            const r = await engine.invoke('workspace.send', { spec: req.spec, collection: coll.path, environment, source: 'cli' });
            line = { type: 'result', name: item.label, method: r.request.method, url: r.request.url, status: r.status, timeMs: Math.round(r.elapsedMs) };
            await engine.invoke('http.discardBody', { id: r.id }).catch(() => undefined);
          } catch (err) {
            const e = toErrorShape(err);
            line = {
              type: 'result',
              name: item.label,
              method: req.spec.method,
              url: req.spec.url,
              status: null,
              timeMs: Math.round(performance.now() - started),
              error: { code: e.code, message: e.message },
            };
          }
        }
      } catch (err) {
        const e = toErrorShape(err);
        line = { type: 'result', name: item.label, method: '', url: '', status: null, timeMs: null, error: { code: e.code, message: e.message } };
      }
      print(line);
      const ok = !line.error && line.status !== null && line.status < 400;
      if (ok) passed++;
      else failed++;
      if (!ok && o.bail) break;
    }
    if (o.json) process.stdout.write(`${JSON.stringify({ type: 'summary', total: passed + failed, passed, failed })}\n`);
    else process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    await engine.close();
  }
}

export default runCollectionCommand;
