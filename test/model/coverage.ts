/**
 * `npm run coverage:model [-- --json]`: runs the model-based tests (they record, through XState inspection, what the
 * runtime's actors really did), then reports per machine the states and transitions exercised out of the totals
 * counted from the machine definitions. `--no-run` reports the last recording without running the tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { lobbyListMachine } from '../../src/machines/lobby-list.machine.js';
import { lobbyMachine } from '../../src/machines/lobby.machine.js';
import { peerSessionMachine } from '../../src/machines/peer-session.machine.js';
import { sessionMachine } from '../../src/machines/session.machine.js';
import { machineDefinition } from './definition.js';
import { BARE_MACHINES_RECORD, COVERAGE_DIR, COVERAGE_FILE, mergeSavedRecords, type CoverageRecord } from './recorder.js';

const MACHINES = { lobby: lobbyMachine, lobbyList: lobbyListMachine, peerSession: peerSessionMachine, session: sessionMachine } as const;

const args = process.argv.slice(2);
const json = args.includes('--json');

if (!args.includes('--no-run')) {
  rmSync(COVERAGE_DIR, { recursive: true, force: true });
  // The mutant check (model-mutants) runs machines it changed on purpose: it records nothing and is left out.
  const run = spawnSync('npx', ['vitest', 'run', 'test/model-', '--exclude', 'test/model-mutants*.test.ts'], {
    stdio: json ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    shell: false,
  });
  if (run.status !== 0) {
    process.stderr.write('coverage:model: the model-based tests failed; the figures below count what ran.\n');
    process.exitCode = 1;
  }
}

type Figures = Record<string, { states: [number, number]; transitions: [number, number] }>;
type Missing = Record<string, { states: string[]; transitions: string[] }>;

function measure(record: CoverageRecord): { machines: Figures; missing: Missing } {
  const machines: Figures = {};
  const missing: Missing = {};
  for (const [name, machine] of Object.entries(MACHINES)) {
    const definition = machineDefinition(machine);
    const seenStates = new Set(record.states[definition.id] ?? []);
    const seenTransitions = new Set(record.transitions[definition.id] ?? []);
    const states = definition.states.filter((s) => seenStates.has(s));
    const transitions = definition.transitions.filter((t) => seenTransitions.has(t));
    machines[name] = {
      states: [states.length, definition.states.length],
      transitions: [transitions.length, definition.transitions.length],
    };
    missing[name] = {
      states: definition.states.filter((s) => !seenStates.has(s)),
      transitions: definition.transitions.filter((t) => !seenTransitions.has(t)),
    };
  }
  return { machines, missing };
}

const record = mergeSavedRecords();
const { machines, missing } = measure(record);
// The same figures counting only tests that drove real runtimes (every record but the bare machines'), so the
// report shows what the runtime itself reaches and which transitions only the bare-machine paths exercise.
const throughRuntime = measure(mergeSavedRecords(COVERAGE_DIR, (file) => file !== BARE_MACHINES_RECORD));

mkdirSync('test-output', { recursive: true });
writeFileSync(
  COVERAGE_FILE,
  JSON.stringify({ machines, missing, throughRuntime: throughRuntime.machines, bareOnly: throughRuntime.missing, record }, null, 1),
);

if (json) {
  process.stdout.write(`${JSON.stringify({ machines })}\n`);
} else {
  const pct = ([a, b]: [number, number]) => `${a}/${b} (${b === 0 ? 100 : Math.floor((1000 * a) / b) / 10}%)`;
  const rows = Object.entries(machines).map(([name, m]) => [name, pct(m.states), pct(m.transitions)]);
  const table = [['machine', 'states', 'transitions'], ...rows];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  const runtimeRows = Object.entries(throughRuntime.machines).map(([name, m]) => `${name} ${pct(m.transitions)}`);
  process.stdout.write(`\nthrough real runtimes alone, transitions: ${runtimeRows.join(', ')}\n`);
  for (const [name, m] of Object.entries(missing)) {
    if (m.states.length + m.transitions.length === 0) continue;
    process.stdout.write(`\nnot exercised in ${name}:\n`);
    for (const s of m.states) process.stdout.write(`  state       ${s}\n`);
    for (const t of m.transitions) process.stdout.write(`  transition  ${t}\n`);
  }
  process.stdout.write(`\nrecord: ${COVERAGE_FILE}\n`);
}
