// The same as `npx lobbykit serve [--port N] [--host H]`, runnable straight from a checkout:
//   node --import tsx examples/loopback/serve.ts [--port N]
import { Command, CommanderError } from 'commander';
import { processIo } from '../../src/cli/main.js';
import { registerServeCommand } from '../../src/cli/serve-command.js';

const program = new Command('lobbykit').exitOverride();
let exitCode = 0;
registerServeCommand(program, processIo, (code) => {
  exitCode = code;
});
try {
  await program.parseAsync(['serve', ...process.argv.slice(2)], { from: 'user' });
} catch (error) {
  // Commander has printed the usage problem (or --help) already.
  exitCode = error instanceof CommanderError ? error.exitCode : 1;
}
process.exitCode = exitCode;
