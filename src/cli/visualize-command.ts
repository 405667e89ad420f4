/**
 * `lobbykit visualize`: draws every lobbykit machine into a folder, and says in one line why when it cannot (no
 * SVG renderer installed, or the folder cannot be written).
 */
import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import type { CliIo } from './main.js';

/** Why the files could not be written into `out`, in words, for an error from the file system; else undefined. */
function writeProblem(error: unknown, out: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EEXIST' || code === 'ENOTDIR') return `--out ${out}: a file is in the way; give a folder (it is created if missing)`;
  if (typeof code === 'string' && error instanceof Error) return `cannot write into --out ${out}: ${error.message}`;
  return undefined;
}

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
        const problem = error instanceof SvgRendererMissingError ? error.message : writeProblem(error, options.out);
        if (problem === undefined) throw error;
        io.stderr.write(`lobbykit visualize: ${problem}\n`);
        setExit(1);
      }
    });
}
