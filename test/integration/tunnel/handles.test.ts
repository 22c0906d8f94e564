import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

// "close() really stops everything": a process that closed its tunnel must exit on its own.

const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'test/fixtures/tunnelExitScript.ts');
const tsx = path.join(root, 'node_modules/.bin/tsx');

function run(scenario: string): Promise<{ code: number | null; killed: boolean; lines: string[]; sinceDoneMs: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [script, scenario], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let doneAt: number | null = null;
    let killed = false;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (doneAt === null && out.includes('"done":true')) doneAt = Date.now();
    });
    // Generous: tsx start-up on a busy 2-core machine. A leaked retry loop never exits at all.
    const guard = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 25_000);
    // 'close', not 'exit': when 'exit' fires the child's last output may still be unread in the pipe.
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, killed, lines: out.trim().split('\n'), sinceDoneMs: doneAt === null ? null : Date.now() - doneAt });
    });
  });
}

describe('close leaves no open handles', () => {
  for (const scenario of ['online', 'reconnecting', 'connecting']) {
    test(`tunnel closed while ${scenario}: the process exits by itself`, async () => {
      const result = await run(scenario);
      expect(result.killed, result.lines.join('\n')).toBe(false);
      expect(result.code).toBe(0);
      const done = JSON.parse(result.lines.at(-1) ?? '{}') as { done?: boolean };
      expect(done.done).toBe(true);
      // Handles still closing are fine; anything alive (worker, retry timer, socket) would hold the process.
      expect(result.sinceDoneMs).toBeLessThan(2_000);
      const statuses = result.lines.filter((l) => l.includes('"status"')).map((l) => (JSON.parse(l) as { status: string }).status);
      expect(statuses.at(-1)).toBe('closed');
      if (scenario === 'reconnecting') expect(statuses).toContain('reconnecting');
    });
  }
});
