// Every TypeScript snippet in README.md and docs/ (test/helpers/doc-snippets.ts says how they are found and marked)
// is written to test-output/doc-snippets/, type-checked with the project's strict tsconfig as a user's file that
// imports 'lobbykit' would be, and run as written: by node (it must exit 0 on its own, print nothing on stderr, and
// print its output block when it has one) or, for a test file, by vitest. A snippet marked "not run" is type-checked
// and says why it is not run; one marked "from <file>" is that file's text word for word, and the file is type-checked
// in its place (the test the marker names runs it). A node snippet runs in a game's folder of its own, where
// node_modules/lobbykit is this package, as it is for a game. Their relative links must reach files and headings that
// exist.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectSnippets, documentationFiles, headingAnchors, headingSlug, matchesOutput, relativeLinks, snippetsOf, type Snippet } from './helpers/doc-snippets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'test-output', 'doc-snippets');
/** A snippet that has not exited by then is a snippet that never exits (a socket or timer left open). */
const RUN_MS = 30_000;

const { snippets, problems } = collectSnippets(root);
const fileOf = (s: Snippet): string =>
  join(OUT, `${s.file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-L${s.line}${s.mode.kind === 'vitest' ? '.test' : ''}.ts`);
const label = (s: Snippet): string => `${s.file}:${s.line}`;

describe('the snippet reader', () => {
  it('reads ts blocks with their markers and output blocks, and refuses markers it does not know', () => {
    const md = [
      '# t', '```ts', 'console.log(1);', '```', '<!-- output -->', '```text', '1', '```',
      '<!-- not run: it needs a running Steam client -->', '', '```typescript', 'x;', '```',
      '<!-- run with vitest -->', '```ts', 'test;', '```',
      '<!-- not run -->', '```ts', 'y;', '```',
      '<!-- skip -->', '```ts', 'z;', '```',
      '```sh', 'npm test', '```', '<!-- output -->', '```text', 'not a ts block above', '```',
      '<!-- from examples/a.ts: test/a.test.ts runs it -->', '```ts', 'a;', '```',
    ].join('\n');
    const read = snippetsOf('x.md', md);
    expect(read.snippets.map((s) => [s.line, s.code, s.mode.kind, s.output])).toEqual([
      [3, 'console.log(1);', 'node', ['1']],
      [12, 'x;', 'not-run', undefined],
      [16, 'test;', 'vitest', undefined],
      [20, 'y;', 'node', undefined],
      [24, 'z;', 'node', undefined],
      [35, 'a;', 'from-file', undefined],
    ]);
    expect(read.snippets[1]!.mode).toEqual({ kind: 'not-run', reason: 'it needs a running Steam client' });
    expect(read.snippets[5]!.mode).toEqual({ kind: 'from-file', path: 'examples/a.ts', note: 'test/a.test.ts runs it' });
    expect(read.problems.map((p) => p.line)).toEqual([18, 22, 29]);
  });

  it('finds relative links and the anchors GitHub gives headings', () => {
    expect(relativeLinks('see [a](docs/x.md#two-words), [b](https://e.example), [c](#local)\n```\n[d](no.md)\n```')).toEqual([
      [1, 'docs/x.md', 'two-words'],
      [1, '', 'local'],
    ]);
    expect(headingSlug('Talking to GodotSteam games: the tutorial wire')).toBe('talking-to-godotsteam-games-the-tutorial-wire');
    expect(headingSlug('`codec`')).toBe('codec');
    expect([...headingAnchors('# A b\n```\n# not\n```\n## C, d.')]).toEqual(['a-b', 'c-d']);
  });

  it('matches output line for line, with ... for any run of lines', () => {
    expect(matchesOutput(['a', 'b'], 'a\nb\n')).toBe(true);
    expect(matchesOutput(['a', 'b'], 'a\nc\n')).toBe(false);
    expect(matchesOutput(['a', '...', 'd'], 'a\nb\nc\nd\n')).toBe(true);
    expect(matchesOutput(['a', '...', 'd'], 'a\nd\n')).toBe(true);
    expect(matchesOutput(['a', '...', 'd'], 'a\nb\n')).toBe(false);
    expect(matchesOutput(['a'], 'a\nextra\n')).toBe(false);
  });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs node with `args` in `cwd` to its end or RUN_MS, whichever comes first (then it is killed). */
function run(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    // tsx maps 'lobbykit' to src/ through the project's tsconfig paths, wherever the snippet runs from.
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') };
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

/** At most `n` runs at once, on a 2-core machine shared with the rest of the suite. */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const runs = new Map<Snippet, Promise<Run>>();
let diagnostics = new Map<Snippet, string[]>();

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'node_modules'), { recursive: true });
  symlinkSync(root, join(OUT, 'node_modules', 'lobbykit'), 'dir');
  for (const s of snippets) if (s.mode.kind !== 'from-file') writeFileSync(fileOf(s), `${s.code}\n`);
  // The vitest snippets run with the project's resolution ('lobbykit' → src/, tsconfig.json's paths), from here only.
  const paths = (JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, [string]> } }).compilerOptions.paths;
  const alias = Object.entries(paths).map(([name, [target]]) => `{ find: /^${name.replace('/', '\\/')}$/, replacement: ${JSON.stringify(join(root, target))} }`);
  writeFileSync(
    join(OUT, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ resolve: { alias: [${alias.join(', ')}] }, test: { include: ['test-output/doc-snippets/*.test.ts'] } });\n`,
  );
  const limit = limiter(2);
  for (const s of snippets) {
    if (s.mode.kind === 'node') runs.set(s, limit(() => run(['--import', 'tsx', fileOf(s)], OUT)));
    if (s.mode.kind === 'vitest') {
      runs.set(s, limit(() => run([join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(OUT, 'vitest.config.ts'), fileOf(s)], root)));
    }
  }
  diagnostics = typeCheck(snippets);
}, 120_000);

describe('README.md and docs/', () => {
  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const file of documentationFiles(root)) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [line, path, anchor] of relativeLinks(text)) {
        const target = path === '' ? join(root, file) : join(root, dirname(file), path);
        if (!existsSync(target)) broken.push(`${file}:${line}: ${path} does not exist`);
        else if (anchor !== undefined && target.endsWith('.md') && !headingAnchors(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${file}:${line}: ${path || file} has no heading #${anchor}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('mark their snippets in ways the reader knows', () => {
    expect(problems).toEqual([]);
    expect(snippets.length).toBeGreaterThan(0);
  });

  it.each(snippets.map((s) => [label(s), s] as const))('%s type-checks with the strict tsconfig', (_name, s) => {
    expect(diagnostics.get(s) ?? []).toEqual([]);
  });

  const fromFiles = snippets.filter((s) => s.mode.kind === 'from-file');
  it.each(fromFiles.map((s) => [label(s), s] as const))('%s is its file, word for word', (_name, s) => {
    if (s.mode.kind !== 'from-file') return;
    expect(readFileSync(join(root, s.mode.path), 'utf8')).toContain(s.code);
  });

  const runnable = snippets.filter((s) => s.mode.kind === 'node' || s.mode.kind === 'vitest');
  it.each(runnable.map((s) => [label(s), s] as const))('%s runs as written', async (_name, s) => {
    const result = await runs.get(s)!;
    const shown = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
    expect(result.timedOut, `did not exit within ${RUN_MS} ms\n${shown}`).toBe(false);
    expect(result.status, shown).toBe(0);
    if (s.mode.kind === 'node') expect(result.stderr).toBe('');
    if (s.output !== undefined) expect(matchesOutput(s.output, result.stdout), `prints\n${result.stdout}\nnot\n${s.output.join('\n')}`).toBe(true);
  }, 4 * RUN_MS); // queued behind the runs before it, at most two at a time
});

/** Every snippet in one program with the project's compiler options; diagnostics point at the markdown line. */
function typeCheck(all: readonly Snippet[]): Map<Snippet, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  // A snippet from a file is checked as that file, where it stands.
  const pathOf = (s: Snippet): string => (s.mode.kind === 'from-file' ? join(root, s.mode.path) : fileOf(s));
  // With the declarations beside each such file (an example's ambient modules, as the project's tsconfig has them).
  const declarations = all.flatMap((s) =>
    s.mode.kind === 'from-file' ? readdirSync(dirname(pathOf(s))).filter((f) => f.endsWith('.d.ts')).map((f) => join(dirname(pathOf(s)), f)) : [],
  );
  const rootNames = [...new Set([...all.map(pathOf), ...declarations])];
  const program = ts.createProgram({ rootNames, options: { ...config.options, noEmit: true } });
  const out = new Map<Snippet, string[]>();
  for (const snippet of all) {
    const source = program.getSourceFile(pathOf(snippet));
    if (source === undefined) {
      out.set(snippet, [`${pathOf(snippet)} does not exist`]);
      continue;
    }
    const found = ts.getPreEmitDiagnostics(program, source).map((d) => {
      const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const where = snippet.mode.kind === 'from-file' ? `${snippet.mode.path}:${at + 1}` : `${snippet.file}:${snippet.line + at}`;
      return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    out.set(snippet, found);
  }
  return out;
}
