/**
 * The `lobbykit` command line: builds the commander program from the subcommand modules, runs it, and turns every
 * failure into one stderr line `lobbykit <verb>: …` and an exit code. `runCliProcess` adds what only a whole process
 * has to handle (a reader that closed the pipe, an error nothing caught).
 */
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

/** The commander program with every subcommand; `setExit` receives a subcommand's exit code. */
async function createProgram(io: CliIo, setExit: (code: number) => void): Promise<Command> {
  const program = new Command('lobbykit')
    .description('Game lobbies and P2P sessions over Steam, with a simulated Steam network built in.')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Commander's usage errors are printed by main's catch, as one line that names the subcommand.
      outputError: () => {},
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
  const { registerBotCommand } = await import('./bot-command.js');
  registerBotCommand(program, io, setExit);
  return program;
}

/**
 * Runs the CLI and resolves to the process exit code; never calls `process.exit`, so tests can drive it
 * in-process and a host process keeps control.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = await createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version, and help shown for a missing subcommand, surface as "errors" under exitOverride.
      if (HELP_CODES.has(error.code)) return error.exitCode;
      io.stderr.write(failureLine(commandPath(program, argv), error.message.replace(/^error: /, '')));
      return 2;
    }
    io.stderr.write(failureLine(commandPath(program, argv), messageOf(error)));
    return 1;
  }
  return exitCode;
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** The subcommand words at the start of argv ("codec decode"), or "" when there are none. */
function commandPath(program: Command, argv: readonly string[]): string {
  const names: string[] = [];
  let command = program;
  for (const word of argv) {
    const next = command.commands.find((c) => c.name() === word);
    if (next === undefined) break;
    names.push(word);
    command = next;
  }
  return names.join(' ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `lobbykit <verb>: <message>` on one line, whatever the message held. */
function failureLine(verb: string, message: string): string {
  return `lobbykit${verb === '' ? '' : ` ${verb}`}: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`;
}

/**
 * `lobbykit` as a process (bin/lobbykit.js): main() on the process's streams. A reader that stops early
 * (`lobbykit demo | head -2`) closes the pipe, which ends the output rather than failing it, so the process exits 0
 * quietly; an error that escaped every handler still prints one line rather than a stack trace.
 */
export async function runCliProcess(argv: readonly string[]): Promise<number> {
  const verb = commandPath(await createProgram(processIo, () => {}), argv);
  const fail = (error: unknown): void => {
    const closedPipe = (error as { code?: unknown } | null)?.code === 'EPIPE';
    if (!closedPipe) process.stderr.write(failureLine(verb, messageOf(error)));
    process.exit(closedPipe ? 0 : 1);
  };
  process.stdout.on('error', fail);
  process.stderr.on('error', fail);
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  return main(argv, processIo);
}
