/**
 * Browser-test harness: the real `switchboard serve` (web door + engine) and Debian's Chromium
 * driven by playwright-core. Reuse it from any test/browser/*.test.ts:
 *
 *   const app = await openApp();            // serve on port 0 + Chromium on the tokened URL
 *   await app.page.getByRole(...)...
 *   await app.screenshot('webhooks-1280-light');
 *   await app.close();                      // browser, then server, by pid; temp dirs removed
 *
 * Needs `npm run build` first (the door serves out/renderer).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-results');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Served {
  /** The URL the door printed, with its token. */
  url: string;
  /** scheme://host:port, no path or token. */
  origin: string;
  dataDir: string;
  pid: number;
  /** Everything the server wrote to stderr (shown when a test fails). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `node bin/switchboard.js serve --port 0 --json --data-dir <tmp>` and waits for its URL. */
export async function startServe(options: { dataDir?: string; timeoutMs?: number; extraArgs?: string[] } = {}): Promise<Served> {
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
    throw new Error('out/renderer is missing: run `npm run build` before the browser tests.');
  }
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sb-browser-data-'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/switchboard.js'), 'serve', '--port', '0', '--json', '--no-open', '--data-dir', dataDir, ...(options.extraArgs ?? [])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let errText = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    errText = (errText + d).slice(-20_000);
  });
  child.on('error', () => {});

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => fail(new Error(`switchboard serve printed no URL within ${options.timeoutMs ?? 30_000} ms.\n${errText}`)), options.timeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout! });
    const fail = (err: Error) => {
      clearTimeout(timer);
      lines.close();
      killTree(child);
      reject(err);
    };
    child.once('exit', (code) => fail(new Error(`switchboard serve exited with code ${code} before listening.\n${errText}`)));
    lines.on('line', (line) => {
      const found = listeningUrl(line);
      if (!found) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolveUrl(found);
    });
  });

  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    pid: child.pid!,
    stderr: () => errText,
    async stop() {
      await stopProcess(child);
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `{"type":"listening","url":…}` from --json, or any tokened http URL as a fallback. */
export function listeningUrl(line: string): string | null {
  try {
    const msg = JSON.parse(line) as { type?: unknown; url?: unknown };
    if (msg && msg.type === 'listening' && typeof msg.url === 'string') return msg.url;
  } catch {
    // not JSON: fall through to the plain-text form
  }
  const m = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+\/\S*token=\S+/.exec(line);
  return m ? m[0] : null;
}

function killTree(child: ChildProcess): void {
  if (child.exitCode === null && child.pid) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    killTree(child);
    await exited;
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Debian Chromium, fresh temporary profile, persistent context (flags from TEAM.md). */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sb-browser-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const browserPid = (context as unknown as { _browser?: { _process?: { pid?: number } } })._browser?._process?.pid;
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {
        // Fall back to the pid when Chromium does not answer.
        if (browserPid) {
          try {
            process.kill(browserPid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AppSession extends Browser {
  server: Served;
  /** Console errors and page errors seen so far (a clean UI has none). */
  errors: string[];
  screenshot(name: string): Promise<string>;
}

/** Server + browser + the app loaded and connected (status bar says the engine is ready). */
export async function openApp(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; server?: Served } = {}): Promise<AppSession> {
  const server = options.server ?? (await startServe());
  let browser: Browser;
  try {
    browser = await launchBrowser(options);
  } catch (err) {
    if (!options.server) await server.stop();
    throw err;
  }
  const errors: string[] = [];
  browser.page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  browser.page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  const close = async () => {
    await browser.close();
    if (!options.server) await server.stop();
  };
  const ready = () => browser.page.getByTestId('engine-state').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 20_000 });
  try {
    await browser.page.goto(server.url);
    try {
      await ready();
    } catch {
      // out/ is shared: another build may have been rewriting the renderer as we loaded it.
      // One reload tells that apart from a real failure.
      await browser.page.goto(server.url);
      await ready();
    }
  } catch (err) {
    const bar = await browser.page.getByTestId('status-bar').textContent({ timeout: 1000 }).catch(() => null);
    await close();
    const why = [`status bar: ${bar ?? '(not rendered)'}`, ...errors, server.stderr()].join('\n');
    throw new Error(`The app did not connect: ${err instanceof Error ? err.message : String(err)}\n${why}`, { cause: err });
  }
  return {
    ...browser,
    server,
    errors,
    close,
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `${name}.png`);
      await browser.page.screenshot({ path });
      return path;
    },
  };
}

/** Runs the real curl binary; resolves with its stdout. */
export function curl(args: string[]): Promise<string> {
  return new Promise((resolveOut, reject) => {
    const child = spawn('curl', ['-sS', '--max-time', '10', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    // 'close', not 'exit': when 'exit' fires the child's last output may still be unread in the pipe.
    child.on('close', (code) => (code === 0 ? resolveOut(out) : reject(new Error(`curl ${args.join(' ')} failed (${code}): ${err}`))));
  });
}
