import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;

/**
 * parseArgs with the conventions every subcommand shares, so they cannot drift apart: a bad flag
 * prints the reason and the help to stderr and exits 2; --help prints the help and exits 0.
 */
export function parseCommandArgs<const O extends Options>(
  command: string,
  argv: string[],
  options: O,
  help: string,
): Parsed<O> | { exit: 0 | 2 } {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true as const, options });
  } catch (err) {
    process.stderr.write(`switchboard ${command}: ${err instanceof Error ? err.message : String(err)}\n\n${help}`);
    return { exit: 2 } as const;
  }
  if ((parsed.values as Record<string, unknown>).help) {
    process.stdout.write(help);
    return { exit: 0 } as const;
  }
  return parsed;
}
