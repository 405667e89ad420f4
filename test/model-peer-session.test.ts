/**
 * Model-based tests of the peer-session machine: every shortest path `xstate/graph` generates (each session error
 * 0, 2, 4, 5, each timeout, each close cause, retry exhaustion) runs against real runtimes on the simulated Steam.
 */
import { afterAll, describe, it } from 'vitest';
import { toStableJson } from '../src/machines/serialize.js';
import { describePeerPath, peerPaths, type PeerPath } from './model/peer-model.js';
import { runPeerPath } from './model/peer-driver.js';
import { CoverageRecorder } from './model/recorder.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save('peer-session'));

function maximal(paths: PeerPath[]): PeerPath[] {
  const keys = paths.map((p) => p.steps.map((s) => toStableJson(s.event)));
  const isPrefix = (a: string[], b: string[]) => a.length < b.length && a.every((k, i) => b[i] === k);
  return paths.filter((_, i) => !keys.some((other) => isPrefix(keys[i]!, other)));
}

describe('peer-session machine paths', () => {
  const paths = maximal(peerPaths());
  it.each(paths.map((p) => [describePeerPath(p), p] as const))('%s', async (_label, path) => {
    await runPeerPath(path, recorder);
  });
});
