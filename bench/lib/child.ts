import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Servers under test run in their own process so the load generator and the server do not share
// one event loop; both sides of a figure are started the same way: the bundles bench/run.mjs built
// (SWITCHBOARD_BENCH_SERVERS), run by plain node, or with --from-source the sources through tsx.

const here = path.dirname(fileURLToPath(import.meta.url));
const bundled = process.env.SWITCHBOARD_BENCH_SERVERS;

function command(script: string): string[] {
  if (bundled) return ['--expose-gc', path.join(bundled, script.replace(/\.ts$/, '.mjs'))];
  return ['--import', 'tsx', '--expose-gc', path.resolve(here, '..', 'servers', script)];
}

export interface ChildServer {
  child: ChildProcess;
  /** The first message the child sent (e.g. { port }). */
  ready: Record<string, unknown>;
  /** Sends a request message and waits for the reply with the same `op`. */
  ask(op: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startChild(script: string, args: string[] = [], timeoutMs = 60_000): Promise<ChildServer> {
  const child = spawn(process.execPath, [...command(script), ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<string, (m: Record<string, unknown>) => void>();
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), timeoutMs);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  child.on('message', (m) => {
    const msg = m as Record<string, unknown>;
    const cb = pending.get(String(msg.op));
    if (cb) {
      pending.delete(String(msg.op));
      cb(msg);
    }
  });
  return {
    child,
    ready,
    ask(op, args = {}) {
      return new Promise((resolve) => {
        pending.set(op, resolve);
        child.send({ op, ...args });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
