// `npm run bench -- <name> [--json]`: runs bench/<name>.ts; with no name, runs every suite in turn.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();

const args = process.argv.slice(2);
const requested = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const unknown = requested.filter((name) => !suites.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown suite ${unknown.join(', ')}; available: ${suites.join(', ')}\n`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : suites) {
  const suite = (await import(`./${name}.bench.ts`)) as { run(flags: readonly string[]): Promise<void> };
  await suite.run(flags);
}
