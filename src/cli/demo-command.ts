import type { Command } from 'commander';
import type { CliIo } from './main.js';

export function registerDemoCommand(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('Run the demo on the simulated Steam network.')
    .action(() => {
      io.stdout.write('lobbykit demo: coming with the codec.\n');
    });
}
