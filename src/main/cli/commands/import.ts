import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../engine';
import { toErrorShape } from '../../../shared/errors';
import { resolveDataDir } from '../../dataDir';
import { parseCommandArgs } from '../args';

const FORMATS = ['curl', 'postman', 'postman-environment', 'insomnia', 'har', 'openapi'] as const;

const HELP = `Usage: switchboard import FILE --into WORKSPACE_DIR [options]

Import requests into a workspace folder as a new collection folder (one file per request).
The format is detected: Postman collection v2.0/2.1 or environment, Insomnia v4 export, HAR,
OpenAPI 3 (JSON or YAML), or a text file holding a curl command. FILE "-" reads standard input.

Options:
      --into DIR       Workspace folder (created when missing)
      --name NAME      Collection name (default: the one in the file)
      --format F       Skip detection: ${FORMATS.join(', ')}
      --json           Print one JSON object: {"type":"import","format","collection","path","requests","environments","skipped"}
      --data-dir DIR   Engine data directory (where secret values of imported variables go)
  -h, --help           This help

Anything that could not be imported is listed (stderr, or "skipped" with --json); the exit status is
0 when the collection was written, 1 when the file could not be imported, 2 for bad usage.
`;

function countRequests(children: Array<{ kind: string; children?: unknown }>): number {
  let n = 0;
  for (const c of children) {
    if (c.kind === 'request') n++;
    else if (Array.isArray(c.children)) n += countRequests(c.children as Array<{ kind: string; children?: unknown }>);
  }
  return n;
}

export async function importCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'import',
    argv,
    {
      into: { type: 'string' },
      name: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values: o, positionals } = parsed;
  const file = positionals[0];
  if (!file || positionals.length > 1 || !o.into) {
    process.stderr.write(`switchboard import: give one FILE and --into WORKSPACE_DIR\n\n${HELP}`);
    return 2;
  }
  if (o.format !== undefined && !(FORMATS as readonly string[]).includes(o.format)) {
    process.stderr.write(`switchboard import: --format must be one of ${FORMATS.join(', ')}\n`);
    return 2;
  }
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    const msg = `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`;
    if (o.json) process.stdout.write(`${JSON.stringify({ error: { code: 'FILE_READ_FAILED', message: msg } })}\n`);
    else process.stderr.write(`switchboard import: ${msg}\n`);
    return 1;
  }

  // restoreCatchers: a one-off run must not start the saved catchers on their ports.
  let engine;
  try {
    engine = await createEngine({ dataDir: resolveDataDir(o['data-dir']), door: 'cli', restoreCatchers: false });
  } catch (err) {
    // e.g. STORE_LOCKED while the desktop app holds the same data directory.
    const e = toErrorShape(err);
    process.stderr.write(`switchboard import: ${e.message} [${e.code}]\n`);
    return 1;
  }
  try {
    await engine.invoke('workspace.open', { dir: path.resolve(o.into), create: true });
    const r = await engine.invoke('import.run', {
      text,
      ...(o.format ? { format: o.format as (typeof FORMATS)[number] } : {}),
      ...(o.name ? { name: o.name } : {}),
    });
    const coll = r.info.collections.find((c) => c.path === r.collection);
    const requests = coll ? countRequests(coll.children) : 0;
    const where = r.collection ? path.join(r.info.dir, r.collection) : r.info.dir;
    if (o.json) {
      process.stdout.write(
        `${JSON.stringify({ type: 'import', format: r.format, collection: coll?.name ?? null, path: where, requests, environments: r.environments, skipped: r.skipped })}\n`,
      );
    } else {
      process.stdout.write(
        `Imported ${requests} request${requests === 1 ? '' : 's'} (${r.format}) into ${where}` +
          (r.environments.length ? `, environments: ${r.environments.join(', ')}` : '') +
          '\n',
      );
      for (const s of r.skipped) process.stderr.write(`skipped: ${s.where} — ${s.reason}\n`);
    }
    return 0;
  } catch (err) {
    const e = toErrorShape(err);
    if (o.json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
    else process.stderr.write(`switchboard import: ${e.message} [${e.code}]\n`);
    return 1;
  } finally {
    await engine.close();
  }
}

export default importCommand;
