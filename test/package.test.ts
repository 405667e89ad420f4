/**
 * The package a user installs: `npm pack` on a copy of this checkout (so its prepack build cannot race the benches'
 * builds of dist/), then publint and arethetypeswrong on the tarball, and a consumer project with the tarball
 * unpacked into its node_modules that type-checks (strict, NodeNext, skipLibCheck off) with and without
 * steamworks.js, requires and imports every entry point, runs the CLI and a shipped example. Dependencies are
 * linked from this checkout's node_modules: nothing is downloaded.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessRun } from './helpers/run-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
/** Bound on one child process; a test waits a little longer, so a stuck child fails as itself. */
const STEP_MS = 120_000;
const TEST_MS = STEP_MS + 10_000;

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly scripts?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
/** Every entry point a user can name: 'lobbykit', 'lobbykit/codec', … (not package.json). */
const entryPoints = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => manifest.name + key.slice(1));

let work = '';
let tarball = '';
let packed: { readonly files: readonly string[] } = { files: [] };
let packedManifest: Manifest = manifest;

function expectSuccess(run: ProcessRun, what: string): void {
  expect(run.timedOut, `${what} timed out`).toBe(false);
  expect(run.code, `${what} failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
}

/** A project that depends on lobbykit, with lobbykit unpacked from the tarball into its node_modules. */
function consumer(name: string, links: readonly string[], files: Record<string, string>): string {
  const dir = join(work, name);
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'lobbykit'), { recursive: true });
  cpSync(join(work, 'unpacked', 'package'), join(modules, 'lobbykit'), { recursive: true });
  for (const link of links) {
    mkdirSync(dirname(join(modules, link)), { recursive: true });
    symlinkSync(join(root, 'node_modules', link), join(modules, link), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const CONSUMER_TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
  },
  include: ['*.ts'],
});

/** A game's use of each entry point, by name, as the README shows it. */
const CONSUMER_SOURCE = `
import { createLobbyRuntime, createSystemClock, type LobbyRuntimeError } from 'lobbykit';
import { createPacketCodec } from 'lobbykit/codec';
import { createInspectServer } from 'lobbykit/inspect';
import { lobbyMachine } from 'lobbykit/machines';
import { createSimulatedSteam, steamIdOfAccount, VirtualClock } from 'lobbykit/testing';
import { wrapSteamworksClient, type SteamworksClient } from 'lobbykit/effects';
import { startLoopbackService } from 'lobbykit/loopback-server';

const clock = new VirtualClock();
const steam = createSimulatedSteam({ seed: 1, clock });
const id: bigint = steamIdOfAccount(1);
steam.addUser({ id, name: 'host' });
const runtime = createLobbyRuntime({ backend: steam.backend(id), clock });
const describeError = (error: LobbyRuntimeError): string => error.kind;
export const used = [runtime, describeError, createSystemClock, createPacketCodec, createInspectServer, lobbyMachine, startLoopbackService];
export const wrap = (client: SteamworksClient) => wrapSteamworksClient(client);
`;

/** The same game handing the real steamworks.js client to lobbykit. */
const STEAMWORKS_SOURCE = `
import { init } from 'steamworks.js';
import { wrapSteamworksClient } from 'lobbykit/effects';
export const start = () => wrapSteamworksClient(init());
`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lobbykit-package-'));
  const copy = join(work, 'checkout');
  const skipped = new Set(['node_modules', 'dist', '.git', 'test-output'].map((name) => join(root, name)));
  cpSync(root, copy, { recursive: true, filter: (source) => !skipped.has(source) });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const pack = await runProcess('npm', ['pack', '--json', '--pack-destination', work], { cwd: copy, timeoutMs: STEP_MS });
  expectSuccess(pack, 'npm pack');
  const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, result!.filename);
  packed = { files: result!.files.map((f) => f.path) };
  mkdirSync(join(work, 'unpacked'));
  expectSuccess(await runProcess('tar', ['-xzf', tarball, '-C', join(work, 'unpacked')], { cwd: work, timeoutMs: STEP_MS }), 'tar');
  packedManifest = JSON.parse(readFileSync(join(work, 'unpacked', 'package', 'package.json'), 'utf8')) as Manifest;
}, 4 * STEP_MS);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe.concurrent('the packed tarball', { timeout: TEST_MS }, () => {
  it('holds the build, the CLI, the examples the README runs, LICENSE and CHANGELOG, and no sources or tests', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/lobbykit.js', 'dist/index.js', 'dist/index.d.ts']) {
      expect(packed.files).toContain(file);
    }
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/\b(examples\/[\w/-]+\.ts)\b/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(packed.files).toContain(example);
    expect(packed.files.filter((f) => /^(src|test|bench)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(work, 'unpacked', 'package', 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) lobbykit contributors\n/);
  });

  it('has no script npm would run on install', () => {
    const installHooks = ['preinstall', 'install', 'postinstall', 'prepare'];
    expect(Object.keys(packedManifest.scripts ?? {}).filter((name) => installHooks.includes(name))).toEqual([]);
    // npm runs node-gyp for a package that ships a binding.gyp, as if it had an install script.
    expect(packed.files).not.toContain('binding.gyp');
  });

  it('passes publint, suggestions included', async () => {
    const data = readFileSync(tarball);
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`)).toEqual([]);
  });

  it('passes arethetypeswrong for an ES-module-only package', async () => {
    // esm-only: lobbykit ships no CommonJS, so a require() of it is Node's require(esm) or Node's refusal.
    const run = await runProcess(bin('attw'), [tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json'], { cwd: work, timeoutMs: STEP_MS });
    const report = JSON.parse(run.stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(Object.keys(manifest.exports).sort());
    expect(run.code, run.stdout).toBe(0);
  });
});

describe.concurrent('a TypeScript project that installs the tarball (strict, NodeNext, skipLibCheck: false)', { timeout: TEST_MS }, () => {
  const deps = (): string[] => [...Object.keys(packedManifest.dependencies ?? {}), '@types/node'];

  it('type-checks without steamworks.js installed', async () => {
    const dir = consumer('without-steamworks', deps(), { 'tsconfig.json': CONSUMER_TSCONFIG, 'game.ts': CONSUMER_SOURCE });
    expect(existsSync(join(dir, 'node_modules', 'steamworks.js'))).toBe(false);
    expectSuccess(await runProcess(bin('tsc'), ['-p', dir], { cwd: dir, timeoutMs: STEP_MS }), 'tsc');
  });

  it('type-checks with steamworks.js installed, handing its real client to lobbykit', async () => {
    const dir = consumer('with-steamworks', [...deps(), 'steamworks.js'], {
      'tsconfig.json': CONSUMER_TSCONFIG,
      'game.ts': CONSUMER_SOURCE,
      'steam.ts': STEAMWORKS_SOURCE,
    });
    expectSuccess(await runProcess(bin('tsc'), ['-p', dir], { cwd: dir, timeoutMs: STEP_MS }), 'tsc');
  });
});

describe.concurrent('a Node project that installs the tarball', { timeout: TEST_MS }, () => {
  let dir = '';
  beforeAll(() => {
    dir = consumer('node-project', [...Object.keys(packedManifest.dependencies ?? {}), 'tsx'], {});
  });

  const load = (how: 'import' | 'require', flags: readonly string[] = []) =>
    runProcess(
      process.execPath,
      [
        ...flags,
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module';
         const require = createRequire(process.cwd() + '/consumer.js');
         const keys = {};
         for (const name of ${JSON.stringify(entryPoints)}) {
           const loaded = ${how === 'import' ? 'await import(name)' : 'require(name)'};
           keys[name] = Object.keys(loaded).sort();
         }
         console.log(JSON.stringify({ canRequireEsm: process.features.require_module === true, keys }));`,
      ],
      { cwd: dir, timeoutMs: STEP_MS },
    );

  it("require('lobbykit') gives every entry point's exports on a Node that can require ES modules", async () => {
    const imported = await load('import');
    expectSuccess(imported, 'import');
    const required = await load('require');
    if (!(JSON.parse(imported.stdout) as { canRequireEsm: boolean }).canRequireEsm) return expectUseImport(required);
    expectSuccess(required, 'require');
    expect(JSON.parse(required.stdout)).toEqual(JSON.parse(imported.stdout));
    expect(Object.keys((JSON.parse(required.stdout) as { keys: object }).keys)).toEqual(entryPoints);
  });

  it("require('lobbykit') on a Node that cannot require ES modules fails with Node's message to use import()", async () => {
    expectUseImport(await load('require', ['--no-experimental-require-module']));
  });

  /** Node's own refusal, naming lobbykit's module: not "no exports main defined", which says nothing useful. */
  function expectUseImport(run: ProcessRun): void {
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/ERR_REQUIRE_ESM.*node_modules\/lobbykit\/dist\/index\.js/);
    expect(run.stderr).toContain('to a dynamic import()');
  }

  it('runs the CLI from the compiled code', async () => {
    const run = await runProcess(process.execPath, [join(dir, 'node_modules', 'lobbykit', 'bin', 'lobbykit.js'), '--version'], { cwd: dir, timeoutMs: STEP_MS });
    expectSuccess(run, 'lobbykit --version');
    expect(run.stdout.trim()).toBe(packedManifest.version);
  });

  it('runs the minimal game loop example from the package, as the README says', async () => {
    const example = join('node_modules', 'lobbykit', 'examples', 'minimal-game-loop.ts');
    const run = await runProcess(process.execPath, ['--import', 'tsx', example], { cwd: dir, timeoutMs: STEP_MS });
    expectSuccess(run, example);
    expect(run.stdout).toMatch(/connected at frame \d+/);
    expect(run.stdout).toContain('no errors');
  });
});

describe('the checkout resolves lobbykit by name to its sources', () => {
  it("tsconfig's paths name the same entry points as package.json's exports, each the source of its build", () => {
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    const expected = Object.fromEntries(
      Object.entries(manifest.exports).flatMap(([key, target]) =>
        typeof target === 'string' ? [] : [[manifest.name + key.slice(1), [`./${relative(root, join(root, 'src', relative('dist', target['import']!))).replace(/\.js$/, '.ts')}`]]],
      ),
    );
    expect(tsconfig.compilerOptions.paths).toEqual(expected);
  });
});
