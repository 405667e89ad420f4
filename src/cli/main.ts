import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** What a subcommand module registers; loaded lazily so `lobbykit --help` never loads heavy code. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/**
 * Runs the CLI and resolves to the process exit code; never calls `process.exit`, so tests can drive it
 * in-process and a host process keeps control.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('lobbykit')
    .description('Game lobbies and P2P sessions over Steam, with a simulated Steam network built in.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  const { registerCodecCommand } = await import('./codec-command.js');
  registerCodecCommand(program, io, setExit);
  const { registerDemoCommand } = await import('./demo-command.js');
  registerDemoCommand(program, io, setExit);
  const { registerVisualizeCommand } = await import('./visualize-command.js');
  registerVisualizeCommand(program, io, setExit);
  const { registerInspectCommand } = await import('./inspect-command.js');
  registerInspectCommand(program, io, setExit);
  const { registerServeCommand } = await import('./serve-command.js');
  registerServeCommand(program, io, setExit);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version surface as "errors" with exit code 0 under exitOverride.
      return error.exitCode;
    }
    io.stderr.write(`lobbykit: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return exitCode;
}
