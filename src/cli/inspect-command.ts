/**
 * `lobbykit inspect`: starts the live viewer on a loopback address with a simulated lobby to watch.
 */
import type { Command } from 'commander';
import type { CliIo } from './main.js';

interface InspectOptions {
  readonly port: string;
  readonly host: string;
  readonly members: string;
  /** Stop after this many milliseconds (for scripts and smoke tests); default: until Ctrl-C. */
  readonly for?: string;
}

export function registerInspectCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('inspect')
    .description('Serve the offline live viewer (loopback only) and run a simulated lobby — your runtime and bot players — to watch in it.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
    .option('--members <n>', 'bot players who join the simulated lobby', '3')
    .option('--for <ms>', 'stop after this many milliseconds instead of waiting for Ctrl-C')
    .action(async (options: InspectOptions) => {
      const port = Number(options.port);
      const members = Number(options.members);
      const runFor = options.for === undefined ? undefined : Number(options.for);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) return fail(`--port must be 0..65535, got ${options.port}`);
      if (!Number.isInteger(members) || members < 0 || members > 249) return fail(`--members must be 0..249, got ${options.members}`);
      if (runFor !== undefined && !(runFor >= 0)) return fail(`--for must be a number of milliseconds, got ${options.for}`);

      const [{ createInspectServer, InspectServerError }, { startSimulatedLobby }, { createSystemClock }] = await Promise.all([
        import('../inspect/server.js'),
        import('../inspect/simulated-lobby.js'),
        import('../effects/clock.js'),
      ]);
      const clock = createSystemClock();
      let server;
      try {
        server = await createInspectServer({ port, host: options.host, clock });
      } catch (error) {
        if (error instanceof InspectServerError) return fail(error.message);
        throw error;
      }
      // Real runtimes on the simulated Steam, paced by the system clock so a person can follow it.
      const lobby = startSimulatedLobby({ clock, inspect: server.inspect, members, churn: true });
      io.stdout.write(`lobbykit inspector: ${server.url}\n`);
      io.stdout.write(runFor === undefined ? 'Open it in a browser; Ctrl-C stops.\n' : `Stopping in ${runFor} ms.\n`);

      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          if (timer !== undefined) clearTimeout(timer);
          resolve();
        };
        const timer = runFor === undefined ? undefined : setTimeout(stop, runFor);
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      lobby.stop();
      await server.close();
      io.stdout.write('lobbykit inspector: closed\n');
    });

  function fail(message: string): void {
    io.stderr.write(`lobbykit inspect: ${message}\n`);
    setExit(2);
  }
}
