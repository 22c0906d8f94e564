import path from 'node:path';

/**
 * `--data-dir D` or `--data-dir=D` from the app's command line. Electron and Chromium add their
 * own switches to argv, so unknown arguments are ignored rather than rejected.
 */
export function dataDirFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : undefined;
    }
    if (arg?.startsWith('--data-dir=')) return arg.slice('--data-dir='.length) || undefined;
  }
  return undefined;
}

/** Precedence: --data-dir, then SWITCHBOARD_DATA_DIR, then Electron's userData. */
export function desktopDataDir(argv: readonly string[], env: NodeJS.ProcessEnv, userData: string): string {
  const chosen = dataDirFlag(argv) ?? env.SWITCHBOARD_DATA_DIR;
  return chosen ? path.resolve(chosen) : userData;
}
