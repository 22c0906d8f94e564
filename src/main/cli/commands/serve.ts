import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../../../engine';
import { resolveDataDir } from '../../dataDir';
import { toErrorShape } from '../../../shared/errors';
import { startWebDoor } from '../../serve/webDoor';
import { buildRenderer, defaultRendererDir, isRendererBuilt, packageRoot } from '../../serve/rendererDir';

const HELP = `Usage: switchboard serve [options]

Serves the Switchboard UI to a browser, backed by an engine in this process.

Options:
  --port N          Port to listen on (default 0: a free port)
  --host H          Interface to bind (default 127.0.0.1; anything else exposes the door)
  --data-dir D      Data directory (default: SWITCHBOARD_DATA_DIR, then the desktop app's)
  --json            Print one JSON line: {"type":"listening","url","token","dataDir",…}
  --open/--no-open  Open the URL in the default browser (default: when run in a terminal)
  -h, --help        Show this help

The URL carries a random token (set SWITCHBOARD_TOKEN to choose it). Anyone who has the token
can use the engine, so treat the URL like a password.
`;

/** Opens the URL without putting the token on a command line (visible to `ps`). */
function openInBrowser(url: string): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-open-'));
  const file = path.join(dir, 'open.html');
  const safe = url.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${safe}"><title>Switchboard</title><a href="${safe}">Open Switchboard</a>`, { mode: 0o600 });
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [file], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open: the printed URL is enough.
  }
  // Long enough for the browser to read it; the token should not stay on disk.
  setTimeout(() => rmSync(dir, { recursive: true, force: true }), 60_000).unref();
}

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'renderer-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        open: { type: 'boolean' },
        'no-open': { type: 'boolean' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`switchboard serve: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`switchboard serve: --port must be an integer from 0 to 65535, got '${values.port}'.\n`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  const dataDir = resolveDataDir(values['data-dir']);

  const root = packageRoot();
  const rendererDir = values['renderer-dir'] ? path.resolve(values['renderer-dir']) : defaultRendererDir(root);
  if (!rendererDir) {
    process.stderr.write('switchboard serve: cannot find the built UI; pass --renderer-dir or run `npm run build`.\n');
    return 1;
  }
  if (!isRendererBuilt(rendererDir)) {
    if (values['renderer-dir'] || !root) {
      process.stderr.write(`switchboard serve: ${rendererDir} has no index.html; run \`npm run build\` first.\n`);
      return 1;
    }
    process.stderr.write('switchboard serve: the UI is not built yet; building it (npm run build)…\n');
    try {
      await buildRenderer(root);
    } catch (err) {
      process.stderr.write(`switchboard serve: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    if (!isRendererBuilt(rendererDir)) {
      process.stderr.write(`switchboard serve: the build did not produce ${rendererDir}/index.html; run \`npm run build\`.\n`);
      return 1;
    }
  }

  let engine;
  try {
    engine = await createEngine({ dataDir, door: 'web' });
  } catch (err) {
    // e.g. the desktop app holds the store: say so instead of a stack trace.
    const shape = toErrorShape(err);
    if (values.json) process.stdout.write(`${JSON.stringify({ type: 'error', error: shape })}\n`);
    process.stderr.write(`switchboard serve: the engine could not start on ${dataDir}: ${shape.message}\n`);
    return 1;
  }
  let door;
  try {
    door = await startWebDoor({ engine, host, port, token: process.env.SWITCHBOARD_TOKEN || undefined, rendererDir });
  } catch (err) {
    await engine.close();
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} is taken; pick another or use --port 0 for a free one.`
        : code === 'EACCES'
          ? `the OS refused port ${port} (privileged?); pick another.`
          : err instanceof Error
            ? err.message
            : String(err);
    if (values.json) process.stdout.write(`${JSON.stringify({ type: 'error', error: { code: 'INTERNAL', message: why } })}\n`);
    process.stderr.write(`switchboard serve: ${why}\n`);
    return 1;
  }

  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ type: 'listening', url: door.url, token: door.token, dataDir, baseUrl: door.baseUrl, host: door.host, port: door.port })}\n`,
    );
  } else {
    const exposed = host !== '127.0.0.1' && host !== 'localhost' && host !== '::1';
    process.stdout.write(
      `Switchboard is serving its UI.\n  Data: ${dataDir}\n  Open: ${door.url}\n` +
        (exposed ? `  Warning: bound to ${host}; anyone who can reach it and has the token can use it.\n` : '') +
        'Press Ctrl+C to stop.\n',
    );
  }
  const shouldOpen = values['no-open'] ? false : (values.open ?? (!values.json && process.stdout.isTTY === true));
  if (shouldOpen) openInBrowser(door.url);

  const openDoor = door;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl+C means "now".
        process.exit(130);
      }
      stopping = true;
      if (!values.json) process.stderr.write(`\nStopping (${signal})…\n`);
      void (async () => {
        await openDoor.close().catch(() => undefined);
        await engine.close().catch(() => undefined);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        if (values.json) process.stdout.write(`${JSON.stringify({ type: 'closed' })}\n`);
        resolve(0);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
