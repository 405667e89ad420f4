/**
 * Model-based tests of the lobby machine: every path `xstate/graph` generates from the machine definition (one
 * shortest path per vertex; a vertex keeps the event that led to it, so every enter response, timeout, cancel and
 * refusal is its own path) runs against real runtimes on the simulated Steam. Two alphabets: the normal world, and
 * one where Steam answers after the lobby timeouts (so timeouts and late "stray" results are paths too).
 */
import { afterAll, describe, it } from 'vitest';
import { toStableJson } from '../src/machines/serialize.js';
import { describePath, lobbyPaths, type LobbyPath } from './model/lobby-model.js';
import { runLobbyPath } from './model/lobby-driver.js';
import { CoverageRecorder } from './model/recorder.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save('lobby'));

/** Paths that are a prefix of a longer path run inside it (each step is checked), so only maximal ones run. */
function maximal(paths: LobbyPath[]): LobbyPath[] {
  const keys = paths.map((p) => p.steps.map((s) => toStableJson(s.event)));
  const isPrefix = (a: string[], b: string[]) => a.length < b.length && a.every((k, i) => b[i] === k);
  return paths.filter((_, i) => !keys.some((other) => isPrefix(keys[i]!, other)));
}

describe.each([
  ['normal world', false],
  ['Steam answers after the timeouts', true],
] as const)('lobby machine paths — %s', (_name, lateAnswers) => {
  const paths = maximal(lobbyPaths(lateAnswers ? 'late-answers' : 'normal'));
  it.each(paths.map((p) => [describePath(p), p] as const))('%s', async (_label, path) => {
    await runLobbyPath(path, recorder, lateAnswers);
  });
});
