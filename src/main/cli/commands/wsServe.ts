import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../../../engine';
import { toErrorShape } from '../../../shared/errors';
import type { WsFrame, WsServerClient } from '../../../shared/model/sockets';
import { resolveDataDir } from '../../dataDir';
import { err, frameJson, frameText, out } from './wsOutput';

const HELP = `Usage: switchboard ws serve [options]

Runs a WebSocket server and prints one line per connection, message and close. Lines on stdin
are broadcast to every connected client. Ctrl+C stops the server.

Options:
      --port N            Port (default 0: a free one)
      --host H            Interface to bind (default 127.0.0.1)
      --path P            Path clients must ask for (default /); --any-path accepts all
      --any-path          Accept upgrades on any path
      --echo              Echo every message back to its sender
      --greeting TEXT     Send TEXT to each client as it connects
  -p, --protocol P        Accept this subprotocol (repeatable, in preference order)
      --deflate           Offer permessage-deflate
      --max-payload BYTES Largest message accepted (default 16 MiB)
      --json              JSON lines: {"type":"listening","url":"ws://127.0.0.1:PORT/…"},
                          {"type":"connection","clientId",…}, {"type":"message","clientId",
                          "direction","opcode","data"|"dataBase64",…}, {"type":"close","clientId","code",…}
      --data-dir D        Data directory (default: SWITCHBOARD_DATA_DIR, then the app's)
  -h, --help              Show this help
`;

export async function wsServeCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
        'any-path': { type: 'boolean', default: false },
        echo: { type: 'boolean', default: false },
        greeting: { type: 'string' },
        protocol: { type: 'string', short: 'p', multiple: true, default: [] },
        deflate: { type: 'boolean', default: false },
        'max-payload': { type: 'string' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    err(`switchboard ws serve: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err(`switchboard ws serve: --port must be an integer from 0 to 65535, got '${values.port}'.`);
    return 2;
  }
  const maxPayload = values['max-payload'] === undefined ? 0 : Number(values['max-payload']);
  if (!Number.isInteger(maxPayload) || maxPayload < 0) {
    err(`switchboard ws serve: --max-payload must be a whole number of bytes.`);
    return 2;
  }
  const json = values.json;
  let engine: Engine;
  try {
    engine = await createEngine({ dataDir: resolveDataDir(values['data-dir']), door: 'cli' });
  } catch (e) {
    err(`switchboard ws serve: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }

  let serverId: string;
  try {
    const s = await engine.invoke('wsServer.start', {
      port,
      host: values.host ?? '127.0.0.1',
      path: values.path ?? '/',
      anyPath: values['any-path'],
      echo: values.echo,
      greeting: values.greeting ?? null,
      protocols: values.protocol,
      perMessageDeflate: values.deflate,
      maxPayload,
    });
    serverId = s.id;
    if (json) out(JSON.stringify({ type: 'listening', url: s.url, port: s.boundPort, path: s.settings.path }));
    else err(`Listening on ${s.url} (Ctrl+C to stop)`);
  } catch (e) {
    const shape = toErrorShape(e);
    if (json) out(JSON.stringify({ type: 'error', code: shape.code, message: shape.message }));
    else err(`switchboard ws serve: ${shape.message}`);
    await engine.close();
    return shape.code === 'VALIDATION_FAILED' ? 2 : 1;
  }

  const announced = new Set<string>();
  const closedAnnounced = new Set<string>();
  let clients = new Map<string, WsServerClient>();
  const refreshClients = async () => {
    clients = new Map((await engine.invoke('wsServer.clients', { id: serverId })).map((c) => [c.id, c]));
  };
  const announce = (c: WsServerClient) => {
    if (announced.has(c.id)) return;
    announced.add(c.id);
    if (json) {
      out(JSON.stringify({ type: 'connection', clientId: c.id, remoteAddress: c.remoteAddress, remotePort: c.remotePort, url: c.url, protocol: c.protocol, extensions: c.extensions, headers: c.requestHeaders, time: new Date(c.connectedAt).toISOString() }));
    } else {
      out(`[${c.id}] connected from ${c.remoteAddress}:${c.remotePort} ${c.url}${c.protocol ? ` (${c.protocol})` : ''}`);
    }
  };
  const announceClose = (c: WsServerClient) => {
    if (c.status !== 'closed' || closedAnnounced.has(c.id) || !c.close) return;
    closedAnnounced.add(c.id);
    const x = c.close;
    if (json) out(JSON.stringify({ type: 'close', clientId: c.id, code: x.code, reason: x.reason, meaning: x.meaning, initiatedBy: x.initiatedBy, wasClean: x.wasClean }));
    else out(`[${c.id}] closed ${x.code} ${x.meaning}${x.reason ? ` — ${x.reason}` : ''}`);
  };
  const print = (f: WsFrame) => {
    if (f.kind !== 'text' && f.kind !== 'binary') return;
    if (f.clientId) {
      const c = clients.get(f.clientId);
      if (c) announce(c);
    }
    if (json) out(JSON.stringify(frameJson(f)));
    else out(`[${f.clientId ?? '*'}] ${f.direction === 'in' ? '<' : '>'} ${frameText(f)}`);
  };

  let cursor = 0;
  let draining: Promise<void> | null = null;
  let again = false;
  const drain = (): Promise<void> => {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        await refreshClients();
        for (;;) {
          const page = await engine.invoke('ws.log.page', { logId: serverId, afterSeq: cursor, limit: 2000, includeData: true });
          if (page.items.length === 0) break;
          for (const f of page.items as WsFrame[]) print(f);
          cursor = page.items[page.items.length - 1]!.seq;
        }
        for (const c of [...clients.values()].sort((a, b) => a.connectedAt - b.connectedAt)) {
          announce(c);
          announceClose(c);
        }
      } while (again);
    })()
      .catch(() => undefined)
      .finally(() => {
        draining = null;
      });
    return draining;
  };
  engine.on((event) => {
    if ((event.type === 'ws.frames' && event.logId === serverId) || (event.type === 'wsServer.client' && event.client.serverId === serverId)) {
      void drain();
    }
  });

  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    void engine.invoke('wsServer.send', { id: serverId, message: { format: 'text', data: line } }).catch(() => undefined);
  });
  // The end of stdin does not stop the server: only a signal does.

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  rl.close();
  await engine.invoke('wsServer.stop', { id: serverId }).catch(() => undefined);
  await drain();
  await engine.close();
  process.stdin.destroy();
  return 0;
}
