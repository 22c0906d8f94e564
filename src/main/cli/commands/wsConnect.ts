import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../../../engine';
import { toErrorShape } from '../../../shared/errors';
import type { WsConnectionState, WsFrame } from '../../../shared/model/sockets';
import { resolveDataDir } from '../../dataDir';
import { err, exitStatusForClose, frameJson, frameText, out, parseHeaderFlag } from './wsOutput';

const HELP = `Usage: switchboard ws connect URL [options]

Connects to a WebSocket server. Each line on stdin is sent as a text message; each frame received
is printed. At the end of stdin the connection is closed with 1000 (see --keep-open, --wait).

Options:
  -H, --header 'Name: value'   Request header (repeatable; order and case kept)
  -p, --protocol P             Offer a subprotocol (repeatable)
      --json                   One JSON line per event: {"type":"open",…}, {"type":"message",
                               "direction":"in","opcode":"text"|"binary","data"|"dataBase64",…},
                               {"type":"ping"|"pong",…}, {"type":"close","code","reason","meaning"}
      --no-deflate             Do not offer permessage-deflate
      --timeout MS             Handshake timeout (default 10000)
      --max-payload BYTES      Largest message accepted (default 16 MiB)
      --insecure               Skip TLS certificate checks (self-signed wss://)
      --wait MS                After stdin ends, wait this long for replies before closing (default 0)
      --keep-open              Stay connected after stdin ends, until the server closes or Ctrl+C
  -v, --verbose                Also print pings, pongs and connection notes (stderr without --json)
      --data-dir D             Data directory (default: SWITCHBOARD_DATA_DIR, then the app's)
  -h, --help                   Show this help

Exit status: 0 normal close (1000, 1001, 1005); 1 dropped (1006); 3 could not connect or the
upgrade was refused; 12–25 the server closed with 1002–1015 (code − 990, e.g. 1009 → 19);
40 application codes 3000–4999; 2 usage errors.
`;

export async function wsConnectCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        header: { type: 'string', short: 'H', multiple: true, default: [] },
        protocol: { type: 'string', short: 'p', multiple: true, default: [] },
        json: { type: 'boolean', default: false },
        'no-deflate': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        'max-payload': { type: 'string' },
        insecure: { type: 'boolean', default: false },
        wait: { type: 'string' },
        'keep-open': { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    err(`switchboard ws connect: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const url = positionals[0];
  if (!url || positionals.length > 1) {
    err(`switchboard ws connect: give exactly one URL.\n\n${HELP}`);
    return 2;
  }
  const headers: Array<[string, string]> = [];
  for (const h of values.header) {
    const pair = parseHeaderFlag(h);
    if (!pair) {
      err(`switchboard ws connect: header '${h}' needs the form 'Name: value'.`);
      return 2;
    }
    headers.push(pair);
  }
  const num = (v: string | undefined, name: string, min: number): number | undefined | null => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      err(`switchboard ws connect: --${name} must be an integer ≥ ${min}, got '${v}'.`);
      return null;
    }
    return n;
  };
  const timeout = num(values.timeout, 'timeout', 100);
  const maxPayload = num(values['max-payload'], 'max-payload', 1);
  const wait = num(values.wait, 'wait', 0);
  if (timeout === null || maxPayload === null || wait === null) return 2;

  const json = values.json;
  const verbose = values.verbose;
  let engine: Engine;
  try {
    engine = await createEngine({ dataDir: resolveDataDir(values['data-dir']), door: 'cli' });
  } catch (e) {
    err(`switchboard ws connect: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }

  let id: string | null = null;
  let cursor = 0;
  let draining: Promise<void> | null = null;
  let again = false;
  let finished: ((code: number) => void) | null = null;
  const done = new Promise<number>((resolve) => (finished = resolve));

  const print = (f: WsFrame) => {
    const interesting = f.direction === 'in' && (f.kind === 'text' || f.kind === 'binary');
    if (json) {
      if (interesting || (verbose && f.kind !== 'close')) out(JSON.stringify(frameJson(f)));
    } else if (interesting) {
      out(frameText(f));
    } else if (verbose && f.kind !== 'close') {
      const what = f.kind === 'info' || f.kind === 'error' ? Buffer.from(f.dataBase64, 'base64').toString('utf8') : frameText(f);
      err(`${f.direction === 'in' ? '<' : f.direction === 'out' ? '>' : '*'} ${what}${f.rttMs !== undefined ? ` (${f.rttMs} ms)` : ''}`);
    }
  };
  // Follows the log by seq, so no frame is missed however fast they come.
  const drain = (): Promise<void> => {
    if (!id) return Promise.resolve();
    if (draining) {
      again = true;
      return draining;
    }
    const logId = id;
    draining = (async () => {
      do {
        again = false;
        for (;;) {
          const page = await engine.invoke('ws.log.page', { logId, afterSeq: cursor, limit: 2000, includeData: true });
          if (page.items.length === 0) break;
          for (const f of page.items as WsFrame[]) print(f);
          cursor = page.items[page.items.length - 1]!.seq;
        }
      } while (again);
    })().finally(() => {
      draining = null;
    });
    return draining;
  };

  const finish = async (state: WsConnectionState) => {
    await drain();
    const close = state.close;
    if (close) {
      if (json) out(JSON.stringify({ type: 'close', code: close.code, reason: close.reason, meaning: close.meaning, initiatedBy: close.initiatedBy, wasClean: close.wasClean }));
      else err(`Closed: ${close.code} ${close.meaning}${close.reason ? ` — ${close.reason}` : ''}`);
      finished?.(exitStatusForClose(close.code));
    } else {
      finished?.(state.error?.code === 'WS_CONNECT_FAILED' && state.openedAt ? 1 : 3);
    }
  };

  engine.on((event) => {
    if (event.type === 'ws.frames' && event.logId === id) void drain();
    if (event.type === 'ws.connection' && event.connection.id === id && event.connection.status === 'closed' && event.connection.openedAt) {
      void finish(event.connection);
    }
  });

  let state: WsConnectionState;
  try {
    state = await engine.invoke('ws.connect', {
      url,
      headers,
      protocols: values.protocol,
      perMessageDeflate: !values['no-deflate'],
      ...(timeout !== undefined ? { handshakeTimeoutMs: timeout } : {}),
      ...(maxPayload !== undefined ? { maxPayload } : {}),
      insecure: values.insecure,
    });
  } catch (e) {
    const shape = toErrorShape(e);
    if (json) out(JSON.stringify({ type: 'error', code: shape.code, message: shape.message }));
    else err(`switchboard ws connect: ${shape.message}`);
    await engine.close();
    return shape.code === 'VALIDATION_FAILED' || shape.code === 'WS_INVALID_URL' ? 2 : 3;
  }
  id = state.id;
  const hs = state.handshake;
  if (state.status !== 'open') {
    const e = state.error;
    if (json) {
      out(JSON.stringify({ type: 'error', code: e?.code ?? 'WS_HANDSHAKE_FAILED', message: e?.message ?? 'Not connected', status: hs?.status ?? null, headers: hs?.responseHeaders ?? [], body: hs?.failedBody?.text ?? null }));
    } else {
      err(`switchboard ws connect: ${e?.message ?? 'not connected'}`);
      if (hs?.failedBody?.text) err(hs.failedBody.text);
    }
    await engine.close();
    return 3;
  }
  if (json) {
    out(JSON.stringify({ type: 'open', url: hs?.url ?? url, status: hs?.status ?? 101, protocol: hs?.protocol ?? '', extensions: hs?.extensions ?? '', headers: hs?.responseHeaders ?? [] }));
  } else {
    err(`Connected to ${url}${hs?.protocol ? ` (subprotocol ${hs.protocol})` : ''}. Lines you type are sent; Ctrl+D closes.`);
  }
  void drain();

  const connId = state.id;
  let sending: Promise<unknown> = Promise.resolve();
  let closing = false;
  const closeNow = () => {
    if (closing) return;
    closing = true;
    void sending.finally(() => engine.invoke('ws.close', { id: connId, code: 1000, reason: '' }).catch(() => undefined));
  };
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    sending = sending.then(() =>
      engine.invoke('ws.send', { id: connId, message: { format: 'text', data: line } }).catch((e: unknown) => {
        if (!json) err(`Not sent: ${toErrorShape(e).message}`);
      }),
    );
  });
  rl.on('close', () => {
    if (values['keep-open']) return;
    if (wait) setTimeout(closeNow, wait);
    else closeNow();
  });
  const onSignal = () => closeNow();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const code = await done;
  rl.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await engine.close();
  // stdin may still hold the event loop open (a TTY); we are done.
  process.stdin.destroy();
  return code;
}
