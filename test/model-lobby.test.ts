/**
 * The lobby contract on the simulated Steam: `xstate/graph` walks the world contract (the lobby machine's table,
 * narrowed to what a driver can cause on the simulated Steam) for a path to each of its states, extended by each
 * event the world can cause there; every path runs against real runtimes and each step is judged by the table
 * (test/model/lobby-world.ts). Two worlds: Steam answering in time, and after the request timeouts. The lobby list
 * contract is played the same way.
 */
import { afterAll, describe, it } from 'vitest';
import { describePath, edgePaths } from './model/contract.js';
import { listWorldContract, runListWorldPath } from './model/lobby-list-world.js';
import { lobbyWorldContract, runLobbyWorldPath, type LobbyWorldKind } from './model/lobby-world.js';
import { maximal } from './model/paths.js';
import { CoverageRecorder } from './model/recorder.js';

const recorder = new CoverageRecorder();
afterAll(() => recorder.save('lobby'));

describe.each(['Steam answers in time', 'Steam answers after the timeouts'] as const satisfies readonly LobbyWorldKind[])(
  'lobby contract on the simulated Steam — %s',
  (kind) => {
    const contract = lobbyWorldContract(kind);
    const paths = maximal(edgePaths(contract).flatMap((v) => v.edges));
    it.each(paths.map((p) => [describePath(p), p] as const))('%s', async (_label, path) => {
      await runLobbyWorldPath(kind, path, recorder);
    });
    const lists = maximal(edgePaths(listWorldContract(kind)).flatMap((v) => v.edges));
    it.each(lists.map((p) => [describePath(p), p] as const))('lobby list: %s', async (_label, path) => {
      await runListWorldPath(kind, path, recorder);
    });
  },
);
