export type CliCommand = (argv: string[]) => Promise<number>;

interface Subcommand {
  /** One line for `switchboard --help`. */
  describe: string;
  load: () => Promise<CliCommand>;
}

/** Subcommands register here, each in its own file under ./commands. */
const subcommands: Record<string, Subcommand> = {
  catch: { describe: 'Run a webhook catcher: store every request, answer it, print it', load: async () => (await import('./commands/catch')).catchCommand },
  captures: { describe: 'List, export (HAR) or replay stored captures', load: async () => (await import('./commands/captures')).capturesCommand },
  import: { describe: 'Import Postman, Insomnia, HAR, OpenAPI or curl into a workspace', load: async () => (await import('./commands/import')).importCommand },
  run: { describe: "Send every request of a collection folder, in order", load: async () => (await import('./commands/runCollection')).runCollectionCommand },
  send: { describe: 'Send one HTTP request (like curl) and print the response', load: async () => (await import('./commands/send')).sendCommand },
  serve: { describe: 'Serve the Switchboard UI to a browser on this machine', load: async () => (await import('./commands/serve')).serveCommand },
  ws: { describe: 'Connect to a WebSocket server, or run one', load: async () => (await import('./commands/ws')).wsCommand },
};

const NAME_WIDTH = Math.max(...Object.keys(subcommands).map((c) => c.length)) + 2;

const USAGE = `Usage: switchboard <command> [options]

Commands:
${Object.entries(subcommands)
  .map(([name, c]) => `  ${name.padEnd(NAME_WIDTH)}${c.describe}`)
  .join('\n')}

Run 'switchboard <command> --help' for a command's options.
`;

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const entry = Object.prototype.hasOwnProperty.call(subcommands, name) ? subcommands[name] : undefined;
  if (!entry) {
    process.stderr.write(`switchboard: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  const command = await entry.load();
  return command(rest);
}
