import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditElectron, isBlocking } from '../../scripts/electronegativity';

const dir = mkdtempSync(path.join(tmpdir(), 'sb-electronegativity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run audit:electron', () => {
  it('fails an insecure window (the gate can fail), passes HIGH/MEDIUM only when FIRM or CERTAIN', async () => {
    writeFileSync(
      path.join(dir, 'main.ts'),
      "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
    );
    const { blocking } = await auditElectron(dir, '45.5.0');
    const ids = blocking.map((i) => i.id);
    expect(ids).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(ids).toContain('SANDBOX_JS_CHECK');
    expect(isBlocking({ severity: { name: 'MEDIUM', value: 2 }, confidence: { name: 'TENTATIVE', value: 0 } })).toBe(false);
    expect(isBlocking({ severity: { name: 'MEDIUM', value: 2 }, confidence: { name: 'FIRM', value: 1 } })).toBe(true);
    expect(isBlocking({ severity: { name: 'LOW', value: 1 }, confidence: { name: 'CERTAIN', value: 2 } })).toBe(false);
  }, 30_000);
});
