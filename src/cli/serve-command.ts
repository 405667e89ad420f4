import type { Command } from 'commander';
import type { CliIo } from './main.js';
import { DEFAULT_LOOPBACK_HOST, DEFAULT_LOOPBACK_PORT, loopbackHostProblem } from '../loopback-server/loopback-host.js';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
}

/** Why the --port text is not a usable port, or undefined. */
function portProblem(text: string): string | undefined {
  return /^[0-9]{1,5}$/.test(text) && Number(text) <= 65535 ? undefined : `--port must be an integer in 0..65535 (0 picks a free port), got ${JSON.stringify(text)}`;
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
    service = await startLoopbackService({ port: options.port, host: options.host, log: out });
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
    .action(async (raw: { port: string; host: string }) => {
      const problem = portProblem(raw.port) ?? loopbackHostProblem(raw.host);
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
        setExit(await runServe({ port: Number(raw.port), host: raw.host }, io, stop.signal));
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
