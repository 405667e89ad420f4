import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import type { CliIo } from './main.js';

export function registerVisualizeCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('visualize')
    .description('Draw every lobbykit machine from its definition: SVG, Mermaid source and Stately machine JSON.')
    .option('--out <dir>', 'folder to write into', 'visualizations')
    .action(async (options: { out: string }) => {
      // Loaded on use: the Graphviz renderer is a few MB of WASM.
      const { writeVisualizations, SvgRendererMissingError } = await import('../inspect/visualize.js');
      const started = performance.now();
      try {
        const written = await writeVisualizations(resolve(options.out));
        for (const path of written) io.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
        io.stdout.write(`${written.length} files in ${(performance.now() - started).toFixed(0)} ms\n`);
      } catch (error) {
        if (!(error instanceof SvgRendererMissingError)) throw error;
        io.stderr.write(`lobbykit visualize: ${error.message}\n`);
        setExit(1);
      }
    });
}
