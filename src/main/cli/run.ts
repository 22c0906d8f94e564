export type CliCommand = (argv: string[]) => Promise<number>;

/** Subcommands register here, each in its own file under ./commands. */
const subcommands: Record<string, () => Promise<CliCommand>> = {
  catch: async () => (await import('./commands/catch')).catchCommand,
  captures: async () => (await import('./commands/captures')).capturesCommand,
  import: async () => (await import('./commands/import')).importCommand,
  run: async () => (await import('./commands/runCollection')).runCollectionCommand,
  send: async () => (await import('./commands/send')).sendCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  ws: async () => (await import('./commands/ws')).wsCommand,
};

const USAGE = `Usage: switchboard <command> [options]

Commands:
${Object.keys(subcommands).map((c) => `  ${c}`).join('\n')}

Run 'switchboard <command> --help' for a command's options.
`;

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = subcommands[name];
  if (!load) {
    process.stderr.write(`switchboard: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  return command(rest);
}
