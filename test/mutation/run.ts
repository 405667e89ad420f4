/**
 * `npm run mutation [-- <scope or folder>…] [--report-only]`: StrykerJS over src/machines, src/codec, src/runtime and
 * the data plane of src/effects (stryker.config.mjs), one scope after another, each incremental. Prints a summary per folder
 * (killed, survived, …, score), the survivors not explained in docs/mutation.md, rewrites the scores section of
 * docs/mutation.md, and ends with one JSON line: `{"mutation": {"src/machines": <score>, …}}` (scores in percent).
 * Stryker's own output goes to reports/mutation/<scope>.log; its HTML report to reports/mutation/<scope>.html.
 * `--report-only` reads the last reports without running Stryker (a scope with no report here: its committed
 * incremental file).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The scopes stryker.config.mjs defines, in the order they run.
const SCOPES = ['machines', 'codec-wire', 'codec-values', 'codec-godot', 'runtime-commands', 'runtime-control', 'runtime-data', 'effects'] as const;
type Scope = (typeof SCOPES)[number];

/** The folder a file counts under in the JSON line (src/runtime.ts with src/runtime). */
function folderOf(file: string): string {
  return file === 'src/runtime.ts' ? 'src/runtime' : file.split('/').slice(0, 2).join('/');
}
/** Issue 25's targets, in percent. */
const TARGETS: Readonly<Partial<Record<string, number>>> = { 'src/machines': 85, 'src/codec': 85, 'src/runtime': 80 };
const DOCS = 'docs/mutation.md';
const SCORES_START = '<!-- mutation-scores:start -->';
const SCORES_END = '<!-- mutation-scores:end -->';

interface Mutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}
interface Report {
  readonly files: Readonly<Record<string, { readonly mutants: readonly Mutant[] }>>;
}

const args = process.argv.slice(2);
// A folder name picks its scopes: `npm run mutation -- codec` runs codec-wire, codec-values and codec-godot.
const chosen = SCOPES.filter((s) => args.some((a) => s === a || s.startsWith(`${a}-`)));
const scopes: readonly Scope[] = chosen.length > 0 ? chosen : SCOPES;

/** How many tests the scope's vitest config collects in this tree (vitest list), or undefined if it cannot. */
function testsNamed(scope: Scope): number | undefined {
  const list = spawnSync('npx', ['vitest', 'list', '--config', 'test/mutation/vitest.config.ts', '--json'], {
    env: { ...process.env, LOBBYKIT_MUTATION_SCOPE: scope },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return list.status === 0 ? (JSON.parse(list.stdout) as unknown[]).length : undefined;
}

/** How many tests judged the scope's mutants in its last report (Stryker's test files, with `perTest` coverage). */
function testsRun(scope: Scope): number {
  const path = `reports/mutation/${scope}.json`;
  if (!existsSync(path)) return 0;
  const report = JSON.parse(readFileSync(path, 'utf8')) as { testFiles?: Record<string, { tests: unknown[] }> };
  return Object.values(report.testFiles ?? {}).reduce((n, file) => n + file.tests.length, 0);
}

mkdirSync('reports/mutation', { recursive: true });
if (!args.includes('--report-only')) {
  for (const scope of scopes) {
    // Stryker's dry run passes when a suite fails to load in its sandbox, and every mutant that suite would kill
    // then survives: a scope counts only if every test its config names judged it.
    const named = testsNamed(scope);
    const log = `reports/mutation/${scope}.log`;
    const started = Date.now();
    const out = openSync(log, 'w');
    const run = spawnSync('npx', ['stryker', 'run'], {
      env: { ...process.env, LOBBYKIT_MUTATION_SCOPE: scope },
      stdio: ['ignore', out, out],
    });
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    process.stdout.write(`stryker ${scope}: exit ${run.status}, ${minutes} min (log: ${log})\n`);
    if (run.status !== 0) process.exitCode = 1;
    const ran = testsRun(scope);
    if (named === undefined || ran < named) {
      process.stdout.write(`stryker ${scope}: ${ran} tests judged the mutants of the ${named ?? '?'} the scope names (a suite failed to load?)\n`);
      process.exitCode = 1;
    }
  }
}

/** A survivor's key, as docs/mutation.md lists the equivalent ones: `file:line:column Mutator`. */
const keyOf = (file: string, m: Mutant) => `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;

/**
 * A scope's last results: its report, or on a tree where it has not run (a fresh clone) the committed incremental
 * file, which holds the same report as of the run that wrote it. Files deleted since are left out.
 */
function lastReport(scope: Scope): Report | undefined {
  const path = [`reports/mutation/${scope}.json`, `test/mutation/incremental-${scope}.json`].find((p) => existsSync(p));
  if (path === undefined) return undefined;
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  return { files: Object.fromEntries(Object.entries(report.files).filter(([file]) => existsSync(file))) };
}
const reports = SCOPES.flatMap((scope) => lastReport(scope) ?? []);

const counts = new Map<string, Record<string, number>>();
const survivors: { key: string; replacement: string }[] = [];
for (const report of reports) {
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = folderOf(file);
    const tally = counts.get(folder) ?? {};
    counts.set(folder, tally);
    for (const m of mutants) {
      tally[m.status] = (tally[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') survivors.push({ key: keyOf(file, m), replacement: m.replacement ?? '' });
    }
  }
}

/** Stryker's mutation score: detected (killed, timed out) over the valid mutants (survivors and uncovered count). */
function score(t: Record<string, number>): number {
  const detected = (t.Killed ?? 0) + (t.Timeout ?? 0);
  const valid = detected + (t.Survived ?? 0) + (t.NoCoverage ?? 0);
  return valid === 0 ? 100 : Math.floor((10_000 * detected) / valid) / 100;
}

const scores: Record<string, number> = {};
const rows = [['folder', 'killed', 'timeout', 'survived', 'no coverage', 'invalid', 'score', 'target']];
for (const [folder, t] of counts) {
  scores[folder] = score(t);
  const invalid = (t.CompileError ?? 0) + (t.RuntimeError ?? 0);
  const target = TARGETS[folder];
  rows.push([folder, t.Killed ?? 0, t.Timeout ?? 0, t.Survived ?? 0, t.NoCoverage ?? 0, invalid, `${scores[folder]}%`, target === undefined ? '-' : `≥ ${target}%`].map(String));
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);

// A file of the product with no mutant in any report: one no scope names (add it in stryker.config.mjs), or one
// with nothing to mutate (types, re-exports).
const reported = new Set(reports.flatMap((report) => Object.keys(report.files)));
const product = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? product(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const unreported = ['src/machines', 'src/codec', 'src/runtime'].flatMap(product).filter((f) => !reported.has(f));
if (unreported.length > 0) process.stdout.write(`\nin no report (nothing to mutate, or in no scope of stryker.config.mjs): ${unreported.join(', ')}\n`);

const docs = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : '';
const unexplained = survivors.filter((s) => !docs.includes(s.key));
if (unexplained.length > 0) {
  process.stdout.write(`\n${unexplained.length} survivors neither killed nor explained in ${DOCS}:\n`);
  for (const s of unexplained) process.stdout.write(`  ${s.key} → ${JSON.stringify(s.replacement)}\n`);
}
for (const [folder, target] of Object.entries(TARGETS)) {
  if (scores[folder] !== undefined && scores[folder] < target!) {
    process.stdout.write(`${folder}: ${scores[folder]}% is below the target of ${target}%\n`);
    process.exitCode = 1;
  }
}

if (docs.includes(SCORES_START) && docs.includes(SCORES_END)) {
  const table = [
    '| folder | killed | timeout | survived | no coverage | score |',
    '|---|---|---|---|---|---|',
    ...[...counts].map(([folder, t]) => `| ${folder} | ${t.Killed ?? 0} | ${t.Timeout ?? 0} | ${t.Survived ?? 0} | ${t.NoCoverage ?? 0} | ${scores[folder]}% |`),
  ].join('\n');
  const before = docs.slice(0, docs.indexOf(SCORES_START) + SCORES_START.length);
  const after = docs.slice(docs.indexOf(SCORES_END));
  writeFileSync(DOCS, `${before}\n${table}\n${after}`);
}

process.stdout.write(`${JSON.stringify({ mutation: scores })}\n`);
