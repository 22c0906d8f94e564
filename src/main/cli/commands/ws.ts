import type { CliCommand } from '../run';

const HELP = `Usage: switchboard ws <command> [options]

Commands:
  connect URL   Connect to a WebSocket server; stdin lines are sent, frames received are printed
  serve         Run a WebSocket server; prints connections, messages and closes

Run 'switchboard ws <command> --help' for a command's options.
`;

/** `switchboard ws connect|serve`: the subcommands live in their own files. */
export const wsCommand: CliCommand = async (argv) => {
  const [sub, ...rest] = argv;
  if (sub === 'connect') return (await import('./wsConnect')).wsConnectCommand(rest);
  if (sub === 'serve') return (await import('./wsServe')).wsServeCommand(rest);
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return sub ? 0 : 2;
  }
  process.stderr.write(`switchboard ws: unknown command '${sub}'\n\n${HELP}`);
  return 2;
};
