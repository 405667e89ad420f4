import type { Command } from 'commander';
import type { CliIo } from './main.js';

export function registerCodecCommand(program: Command, _io: CliIo, _setExit: (code: number) => void): void {
  program.command('codec').description('Encode and decode lobbykit and Godot packets (coming with the codec).');
}
