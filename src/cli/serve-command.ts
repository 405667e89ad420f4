/**
 * `lobbykit serve`: reads its flags, runs the loopback service until Ctrl-C, and prints where it listens and who
 * joins, leaves, is refused or dropped.
 */
import type { Command } from 'commander';
import type { CliIo } from './main.js';
import { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT, loopbackHostProblem } from '../loopback-server/loopback-host.js';
import { allowOriginProblem } from '../loopback-server/origin-policy.js';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly allowOrigins: readonly string[];
  readonly deadAfterMs: number;
}

/** Steam drops a vanished member after about 30 s. */
const DEFAULT_DEAD_AFTER_SECONDS = '30';

/** Why the --port text is not a usable port, or undefined. */
function portProblem(text: string): string | undefined {
  return /^[0-9]{1,5}$/.test(text) && Number(text) <= 65535 ? undefined : `--port must be an integer in 0..65535 (0 picks a free port), got ${JSON.stringify(text)}`;
}

function deadAfterProblem(text: string): string | undefined {
  return /^[0-9]{1,6}$/.test(text) ? undefined : `--dead-after must be a whole number of seconds (0 never drops), got ${JSON.stringify(text)}`;
}

/**
 * Runs the loopback service until `stop` aborts; resolves to the exit code. Split from the command so tests can
 * stop it without sending the test process a signal.
 */
export async function runServe(options: ServeOptions, io: CliIo, stop: AbortSignal): Promise<number> {
  // Loaded here so `lobbykit --help` does not load ws.
  const { startLoopbackService } = await import('../loopback-server/service.js');
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  let service;
  try {
    service = await startLoopbackService({
      port: options.port,
      host: options.host,
      allowOrigins: options.allowOrigins,
      deadAfterMs: options.deadAfterMs,
      log: out,
    });
  } catch (error) {
    io.stderr.write(`lobbykit serve: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  out(`lobbykit loopback service listening on ${service.url}`);
  out(`  game processes connect with createLoopbackBackend({ url: '${service.url}', name })`);
  out('  press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener('abort', () => resolve(), { once: true });
  });
  const { connections } = service.stats();
  await service.close();
  out(`lobbykit loopback service stopped (${connections} connection${connections === 1 ? '' : 's'} closed)`);
  return 0;
}

export function registerServeCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('Run a local lobby service on 127.0.0.1 that plays Steam for game processes on this machine (loopback backend).')
    .option('--port <n>', 'TCP port (0 picks a free one)', String(DEFAULT_LOOPBACK_PORT))
    .option('--host <address>', 'loopback address to listen on (127.0.0.1, ::1 or localhost only)', DEFAULT_LOOPBACK_HOST)
    .option(
      '--allow-origin <origin>',
      "let web pages from this origin connect (repeatable), e.g. https://game.example; this machine's pages and file:// always may",
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option('--dead-after <seconds>', 'drop a client that answers nothing (not even pings) for this long; 0 never', DEFAULT_DEAD_AFTER_SECONDS)
    .action(async (raw: { port: string; host: string; allowOrigin: string[]; deadAfter: string }) => {
      const problem =
        portProblem(raw.port) ?? loopbackHostProblem(raw.host) ?? raw.allowOrigin.map(allowOriginProblem).find((p) => p !== undefined) ?? deadAfterProblem(raw.deadAfter);
      if (problem !== undefined) {
        io.stderr.write(`lobbykit serve: ${problem}\n`);
        setExit(2);
        return;
      }
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const options = { port: Number(raw.port), host: raw.host, allowOrigins: raw.allowOrigin, deadAfterMs: Number(raw.deadAfter) * 1000 };
        setExit(await runServe(options, io, stop.signal));
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
