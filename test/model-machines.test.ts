/**
 * Generated paths on the BARE machines (no runtime): every transition the definitions hold, including the
 * defensive ones the runtime never lets through (busy, malformed ids, stray results in every state, leave
 * timeouts, self kicks and bans, lobby gone), driven with injected effects recorded and virtual time for the
 * delays. Coverage is recorded like the runtime's models, into its own file.
 */
import { afterAll, describe, it } from 'vitest';
import { lobbyMachine } from '../src/machines/lobby.machine.js';
import { toStableJson } from '../src/machines/serialize.js';
import { BARE_LOBBY_INPUT, bareLobbyLabel, bareLobbyPaths, checkLobbyStep, LOBBY_EFFECTS } from './model/bare-lobby-model.js';
import { BARE_PEER_INPUT, barePeerLabel, barePeerPaths, checkPeerStep, PEER_EFFECTS, peerMachineOf, type PeerWorld } from './model/bare-peer-model.js';
import { runBarePath, type BarePath } from './model/bare-runner.js';
import { BARE_MACHINES_RECORD, CoverageRecorder } from './model/recorder.js';
import { runSessionPath, sessionEventLabel, sessionModelPaths } from './model/session-model.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save(BARE_MACHINES_RECORD.replace(/\.json$/, '')));

/** Paths that are a prefix of a longer path run inside it (each step is checked), so only maximal ones run. */
function maximal<P extends BarePath<unknown, unknown>>(paths: readonly P[]): P[] {
  const keys = paths.map((p) => p.steps.map((s) => toStableJson(s.event)).join('\n') + '\n');
  const sortedKeys = [...keys].sort();
  return paths.filter((_, i) => {
    const key = keys[i]!;
    return !sortedKeys.some((other) => other.length > key.length && other.startsWith(key));
  });
}

describe('bare lobby machine', () => {
  const paths = maximal(bareLobbyPaths());
  it.each(paths.map((p) => [p.steps.slice(1).map((s) => bareLobbyLabel(s.event)).join(' → '), p] as const))(
    '%s',
    (_label, path) => {
      runBarePath({
        machine: lobbyMachine,
        input: BARE_LOBBY_INPUT,
        path,
        recorder,
        effects: LOBBY_EFFECTS,
        label: bareLobbyLabel,
        check: checkLobbyStep,
      });
    },
  );
});

describe.each(['session times itself', 'liveness watched by the runtime'] as const satisfies readonly PeerWorld[])(
  'bare peer-session machine — %s',
  (world) => {
    const paths = maximal(barePeerPaths(world));
    it.each(paths.map((p) => [p.steps.slice(1).map((s) => barePeerLabel(s.event)).join(' → '), p] as const))(
      '%s',
      (_label, path) => {
        runBarePath({
          machine: peerMachineOf(world),
          input: BARE_PEER_INPUT,
          path,
          recorder,
          effects: PEER_EFFECTS,
          label: barePeerLabel,
          check: checkPeerStep(world),
        });
      },
    );
  },
);

describe('bare session root — paths from a model of its contract', () => {
  const paths = maximal(sessionModelPaths());
  it.each(paths.map((p) => [p.steps.slice(1).map((s) => sessionEventLabel(s.event)).join(' → '), p] as const))(
    '%s',
    (_label, path) => runSessionPath(path, recorder),
  );
});
