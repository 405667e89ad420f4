/**
 * The peer-session contract on the simulated Steam: `xstate/graph` walks the world contract (the peer machine's
 * table for our runtime's retry policy, narrowed to what the world can cause: each session error Steam still sends,
 * the handshake timeout, silence, each close cause, retry exhaustion) and every path runs against real runtimes,
 * each step judged by the table (test/model/peer-world.ts).
 */
import { afterAll, describe, it } from 'vitest';
import { describePath, edgePaths } from './model/contract.js';
import { peerWorldContract, runPeerWorldPath } from './model/peer-world.js';
import { CoverageRecorder } from './model/recorder.js';
import { maximal } from './model/paths.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save('peer-session'));

describe('peer-session contract on the simulated Steam', () => {
  const paths = maximal(edgePaths(peerWorldContract).flatMap((v) => v.edges));
  it.each(paths.map((p) => [describePath(p), p] as const))('%s', async (_label, path) => {
    await runPeerWorldPath(path, recorder);
  });
});
