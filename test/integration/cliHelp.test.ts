import { describe, expect, it } from 'vitest';
import { runCli as cli } from './catcher/cliProcess';

// Every command (and sub-subcommand) answers --help on stdout, exit 0, with its options.
// `mentions` names options the help must mention, so a help text that loses them fails.
const CASES: Array<{ args: string[]; usage: string; mentions: string[] }> = [
  { args: ['catch'], usage: 'switchboard catch', mentions: ['--port', '--json', '--data-dir'] },
  { args: ['captures'], usage: 'switchboard captures', mentions: ['list', 'export', 'replay', '--format har', '--data-dir'] },
  { args: ['captures', 'list'], usage: 'switchboard captures', mentions: ['--json', '--catcher'] },
  { args: ['captures', 'export'], usage: 'switchboard captures', mentions: ['--format har', '--out'] },
  { args: ['captures', 'replay'], usage: 'switchboard captures replay', mentions: ['--to', '--resign'] },
  { args: ['import'], usage: 'switchboard import', mentions: ['--into'] },
  { args: ['run'], usage: 'switchboard run', mentions: ['--env'] },
  { args: ['send'], usage: 'switchboard send', mentions: ['-H', '-X'] },
  { args: ['serve'], usage: 'switchboard serve', mentions: ['--port', '--no-open', '--data-dir'] },
  { args: ['ws'], usage: 'switchboard ws', mentions: ['connect', 'serve'] },
  { args: ['ws', 'connect'], usage: 'switchboard ws connect', mentions: ['-H', '--protocol', '--json'] },
  { args: ['ws', 'serve'], usage: 'switchboard ws serve', mentions: ['--port', '--path', '--echo'] },
];

describe('switchboard --help', { timeout: 120_000 }, () => {
  it('lists every command with a one-line description, aligned', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const start = lines.indexOf('Commands:') + 1;
    const rows = lines.slice(start, lines.indexOf('', start));
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(['catch', 'captures', 'import', 'run', 'send', 'serve', 'ws']);
    const columns = rows.map((l) => /^ {2}\S+\s+(?=\S)/.exec(l)?.[0].length);
    expect(columns.every((c) => c !== undefined && c === columns[0])).toBe(true);
    for (const l of rows) expect(l.slice(columns[0]).length).toBeGreaterThan(15);

    const unknown = await cli(['toString']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'toString'");
  });

  it.each(CASES)('$args answers --help and -h with its options', async ({ args, usage, mentions }) => {
    const [long, short] = await Promise.all([cli([...args, '--help']), cli([...args, '-h'])]);
    for (const r of [long, short]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(`Usage: ${usage}`)).toBe(true);
      for (const m of mentions) expect(r.stdout).toContain(m);
    }
  });
});
