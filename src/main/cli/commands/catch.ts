import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../../../engine';
import { toErrorShape } from '../../../shared/errors';
import type { HeaderPairs } from '../../../shared/model/common';
import { resolveDataDir } from '../../dataDir';
import type { CliCommand } from '../run';
import { captureJson, captureLine } from './captureOutput';
import { TUNNEL_ARG_OPTIONS, TUNNEL_USAGE, checkTunnelArgs, startCatchTunnel } from './catchTunnel';
import { TOOL_FLAG_HELP, TOOL_FLAG_OPTIONS, captureForOutput, toolJsonFields, webhookToolsCatchExtension } from '../webhookToolsFlags';

// `switchboard catch`: one catcher in this process until SIGINT/SIGTERM. Flags for other areas
// (tunnel, webhook tools) are spread into CATCH_OPTIONS and started from the `extensions` list.

export const CATCH_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  status: { type: 'string' },
  body: { type: 'string' },
  header: { type: 'string', multiple: true, default: [] as string[] },
  delay: { type: 'string' },
  cors: { type: 'boolean', default: false },
  'body-limit': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  ...TUNNEL_ARG_OPTIONS,
  ...TOOL_FLAG_OPTIONS,
} as const;

const HELP = `Usage: switchboard catch [options]

Runs a webhook catcher until Ctrl+C (SIGINT) or SIGTERM. Every request is stored in the data
directory before it is answered; \`switchboard captures list\` shows them later.

Options:
  --port N               Port to listen on (default 0: a free one)
  --host H               Interface to bind (default 127.0.0.1)
  --name S               Catcher name (default "cli")
  --status N             Status to answer with (default 200)
  --body S               Body to answer with (default {"ok":true})
  --header "K: V"        Response header (repeatable; default Content-Type: application/json)
  --delay MS             Wait before answering
  --cors                 Answer CORS preflights and allow any origin
  --body-limit BYTES     Largest body kept (default 10 MiB); larger ones get 413
  --data-dir D           Data directory (default: SWITCHBOARD_DATA_DIR, then the app's)
  --json                 JSON lines: {"type":"listening","url":…} then {"type":"capture","capture":{…}}
${TUNNEL_USAGE}${TOOL_FLAG_HELP}
  -h, --help             Show this help
`;

export type CatchValues = ReturnType<typeof parseCatchArgs>['values'];

export function parseCatchArgs(argv: string[]) {
  return parseArgs({ args: argv, options: CATCH_OPTIONS, strict: true, allowPositionals: false });
}

/**
 * Something that starts alongside the catcher (tunnel, forwarding, …): checks its flags before
 * anything starts, then runs once the catcher listens and returns a stop function.
 */
export interface CatchExtension {
  check(values: CatchValues): string | null;
  start(engine: Engine, catcherId: string, values: CatchValues, output: Output): (() => void) | Promise<() => void>;
}

interface Output {
  json: boolean;
  write(line: string): void;
}

export const CATCH_EXTENSIONS: CatchExtension[] = [
  {
    check: (v) => checkTunnelArgs(v),
    start: (engine, id, v, output) => (v.tunnel ? startCatchTunnel(engine, id, v, output) : () => undefined),
  },
  webhookToolsCatchExtension,
];

function int(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} ${value}: expected a whole number from ${min} to ${max}`);
  return n;
}

function headers(list: string[]): HeaderPairs | undefined {
  if (list.length === 0) return undefined;
  return list.map((h) => {
    const i = h.indexOf(':');
    if (i <= 0) throw new Error(`--header ${h}: expected "Name: value"`);
    return [h.slice(0, i).trim(), h.slice(i + 1).trim()];
  });
}

export const catchCommand: CliCommand = async (argv) => {
  let values: CatchValues;
  let settings;
  try {
    ({ values } = parseCatchArgs(argv));
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    for (const ext of CATCH_EXTENSIONS) {
      const problem = ext.check(values);
      if (problem) throw new Error(problem);
    }
    const status = int('status', values.status, 100, 599);
    const delayMs = int('delay', values.delay, 0, 60_000);
    const hdrs = headers(values.header);
    settings = {
      name: values.name ?? 'cli',
      port: int('port', values.port, 0, 65535) ?? 0,
      host: values.host ?? '127.0.0.1',
      cors: values.cors,
      ...(values['body-limit'] !== undefined ? { bodyLimit: int('body-limit', values['body-limit'], 0, 2 ** 31) } : {}),
      response: {
        status: status ?? 200,
        headers: hdrs ?? [['Content-Type', values.body !== undefined && !looksJson(values.body) ? 'text/plain; charset=utf-8' : 'application/json']],
        body: values.body ?? '{"ok":true}',
        delayMs: delayMs ?? 0,
      },
    };
  } catch (e) {
    process.stderr.write(`switchboard catch: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }

  const json = values.json;
  const write = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const dataDir = resolveDataDir(values['data-dir']);
  let engine: Engine;
  try {
    engine = await createEngine({ dataDir, door: 'cli', restoreCatchers: false });
  } catch (e) {
    const shape = toErrorShape(e);
    process.stderr.write(`switchboard catch: ${shape.message}\n`);
    return 1;
  }

  // Captures print in arrival order: each line waits for the previous one.
  let printing: Promise<void> = Promise.resolve();
  const offCapture = engine.deps.catchers.onCapture((summary) => {
    printing = printing.then(async () => {
      const capture = await captureForOutput(engine, summary.id);
      if (!capture) return;
      if (json) {
        const body = (await engine.deps.catchers.readBody(summary.id)) ?? Buffer.alloc(0);
        write(JSON.stringify({ type: 'capture', capture: { ...captureJson(capture, body), ...toolJsonFields(capture) } }));
      } else write(captureLine(capture));
    });
  });
  const offStore = engine.on((event) => {
    if (event.type === 'engine.storeError' && event.error) {
      process.stderr.write(`switchboard catch: ${event.error.message}\n`);
      if (json) write(JSON.stringify({ type: 'error', code: event.error.code, message: event.error.message }));
    }
  });

  let catcherId: string;
  try {
    const c = await engine.deps.catchers.createTransient(settings);
    catcherId = c.id;
    if (json) write(JSON.stringify({ type: 'listening', url: c.url, port: c.boundPort, host: c.host, catcherId: c.id, name: c.name, dataDir }));
    else write(`Catching on ${c.url} (data: ${dataDir}). Ctrl+C to stop.`);
  } catch (e) {
    const shape = toErrorShape(e);
    if (json) write(JSON.stringify({ type: 'error', code: shape.code, message: shape.message }));
    process.stderr.write(`switchboard catch: ${shape.message}\n`);
    offCapture();
    offStore();
    await engine.close();
    return 1;
  }

  const stops: Array<() => void> = [];
  for (const ext of CATCH_EXTENSIONS) stops.push(await ext.start(engine, catcherId, values, { json, write }));

  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });

  // Stop listening first (requests already received are stored and answered), then print what is
  // left, then close the store.
  for (const stop of stops) stop();
  await engine.invoke('catchers.stop', { id: catcherId }).catch(() => undefined);
  await printing.catch(() => undefined);
  offCapture();
  offStore();
  await engine.close();
  if (json) write(JSON.stringify({ type: 'closed' }));
  else process.stderr.write('Stopped.\n');
  return 0;
};

function looksJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
