/**
 * `npm run audit:electron`: Electronegativity (Doyensec's Electron auditor) over the sources, failing
 * on any HIGH finding and on MEDIUM findings of FIRM or CERTAIN confidence. The tool itself always
 * exits 0 and its CSV ignores its own severity filter, so we call its runner and judge the issues.
 *
 * Why src/ and not the bundle in out/: its JavaScript parser (esprima, falling back to babel) loses
 * the webPreferences object in the Rolldown bundle and reports "contextIsolation missing" on the
 * very `new BrowserWindow` call that sets it; the TypeScript parser reads the sources as written,
 * and a finding there points at the line to fix. See SECURITY.md for each accepted finding.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Level {
  value: number;
  name: string;
}

export interface ElectronegativityIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: Level;
  confidence: Level;
  manualReview: boolean;
  description: string;
}

interface RunResult {
  issues: ElectronegativityIssue[];
  errors: Array<{ file: string; message: string; tolerable?: boolean }>;
}

type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<RunResult>;

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * AvailableSecurityFixesGlobalCheck downloads Electron's release list from GitHub on every run; CI
 * (and this sandbox) may be offline, and keeping Electron current is the dependency updates' job.
 */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

export function isBlocking(issue: Pick<ElectronegativityIssue, 'severity' | 'confidence'>): boolean {
  if (issue.severity.name === 'HIGH') return true;
  return issue.severity.name === 'MEDIUM' && (issue.confidence.name === 'FIRM' || issue.confidence.name === 'CERTAIN');
}

export async function auditElectron(input: string, electronVersion: string): Promise<{ issues: ElectronegativityIssue[]; blocking: ElectronegativityIssue[]; parseErrors: RunResult['errors'] }> {
  const require = createRequire(import.meta.url);
  // No type definitions ship with the package; the shape used is declared above.
  const run = require('@doyensec/electronegativity') as Runner;
  const result = await run(
    { input, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: EXCLUDED_CHECKS, customScan: [], parserPlugins: [] },
    false,
  );
  return {
    issues: result.issues,
    blocking: result.issues.filter(isBlocking),
    parseErrors: result.errors.filter((e) => !e.tolerable),
  };
}

function installedElectronVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('electron/package.json') as { version: string }).version;
}

async function main(): Promise<number> {
  const input = path.resolve(ROOT, process.argv[2] ?? 'src');
  const { issues, blocking, parseErrors } = await auditElectron(input, installedElectronVersion());
  for (const i of issues) {
    const mark = isBlocking(i) ? 'FAIL' : 'note';
    console.log(`${mark} ${i.severity.name}/${i.confidence.name} ${i.id} ${i.file}:${i.location.line}${i.manualReview ? ' (manual review)' : ''}`);
  }
  for (const e of parseErrors) console.error(`parse error: ${e.file}: ${e.message}`);
  if (blocking.length || parseErrors.length) {
    console.error(`Electronegativity: ${blocking.length} blocking finding(s), ${parseErrors.length} file(s) not parsed. Fix them, or document a false positive in SECURITY.md.`);
    return 1;
  }
  console.log(`Electronegativity: ${issues.length} finding(s), none HIGH or MEDIUM with FIRM/CERTAIN confidence.`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
