/**
 * The peer-session contract played on the simulated Steam: we own a lobby, the remote joins it, and the subject is
 * our runtime's peer actor for the remote. The world contract keeps the contract's table for our runtime's retry
 * policy and narrows the alphabet to what the world can cause: before each attempt the world is armed for what the
 * path says comes of it (`faults.failSessions` for a session error, `faults.partition` for a handshake timeout,
 * nothing for a handshake that gets through); silence is a partition the runtime's liveness check notices; the
 * runtime closes a session when the member leaves, is kicked or banned, or we leave. After every step the peer
 * actor must show the contract's view and `sessions$` must carry exactly the peer reports the table says.
 */
import { expect } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { createRuntimeWorld, type Player, type RuntimeWorld } from '../helpers/runtime-world.js';
import { replay, type Contract, type ContractPath } from './contract.js';
import { matchesAsAsserted } from './matches.js';
import { makePeerContract, observePeer, REMOTE, type PeerModel, type PeerModelEvent, type PeerPolicy, type PeerState } from './peer-contract.js';
import type { CoverageRecorder } from './recorder.js';

/** Our runtime's policy: Steam's sessions take their time, so real timeouts; no jitter, so backoffs are exact. */
const WORLD_RETRY = { maxAttempts: 2, baseDelayMs: 500, factor: 2, maxDelayMs: 8_000, jitter: 0 } as const;
const WORLD_POLICY: PeerPolicy = { handshakeTimeoutMs: 5_000, retry: WORLD_RETRY };

/** What the world can cause in each state (labels of the contract's alphabet). */
const CAUSABLE: Readonly<Record<PeerState, readonly string[]>> = {
  // Steam's P2P session errors still sent (0, 2, 4, 5: steam-facts.md); 1 and 3 are retired.
  handshaking: ['handshakeAck', 'sessionFailed:0', 'sessionFailed:2', 'sessionFailed:4', 'sessionFailed:5', 'timeout', 'close:member-left', 'close:lobby-left'],
  connected: ['silent', 'close:member-left', 'close:member-kicked', 'close:member-banned', 'close:lobby-left'],
  retrying: ['backoff', 'close:member-left', 'close:member-kicked'],
  closed: [],
};

const base = makePeerContract(WORLD_POLICY, 'peerSession on the simulated Steam');

export const peerWorldContract: Contract<PeerModel, PeerModelEvent> = {
  ...base,
  alphabet: (m) =>
    base
      .alphabet(m)
      .map((e) => (e.kind === 'timeout' ? { ...e, type: m.state === 'retrying' ? 'backoff' : 'timeout' } : e))
      .filter((e) => CAUSABLE[m.state].includes(e.type)),
};

interface Cast {
  readonly world: RuntimeWorld;
  readonly me: Player;
  readonly remote: Player;
  readonly lobbyId: bigint;
}

async function castFor(recorder: CoverageRecorder): Promise<Cast> {
  const world = createRuntimeWorld('simulated');
  const me = world.player(0, {}, { inspect: recorder.inspect, retry: WORLD_RETRY, timing: { peer: { handshakeTimeoutMs: WORLD_POLICY.handshakeTimeoutMs } } });
  // The remote never retries on its own within a path (its backoff is long): it only answers our attempts, so
  // which attempt connects is ours to decide.
  const remote = world.player(1, {}, { inspect: recorder.inspect, retry: { maxAttempts: 2, baseDelayMs: 300_000, maxDelayMs: 300_000 } });
  expect(remote.id, 'the contract names the remote').toBe(REMOTE);
  const created = me.runtime.createLobby();
  await world.runUntil(() => me.runtime.lobbyState().status === 'joined', 5_000);
  const result = await created;
  if (!result.ok) throw new Error(result.error.reason);
  return { world, me, remote, lobbyId: result.lobbyId };
}

/** Sets the world up for the attempt about to start, from what the path says comes of it. */
function arm(cast: Cast, next: PeerModelEvent | undefined, first: boolean): void {
  const faults = cast.world.sim.steam.faults;
  faults.heal();
  if (next?.kind === 'sessionFailed') {
    const { error } = next.event as { error: number };
    faults.failSessions(cast.me.id, cast.remote.id, error);
    // The remote's own first handshake would connect us: its first session fails the same way.
    if (first) faults.failSessions(cast.remote.id, cast.me.id, error);
  } else if (next?.type === 'timeout') {
    faults.partition([cast.me.id]);
  }
}

async function cause(cast: Cast, e: PeerModelEvent, next: PeerModelEvent | undefined): Promise<void> {
  const { world, me, remote } = cast;
  switch (e.type) {
    case 'backoff':
      arm(cast, next, false);
      return;
    case 'silent':
      world.sim.steam.faults.partition([me.id]);
      return;
    case 'close:member-left':
      remote.runtime.leaveLobby();
      return;
    case 'close:member-kicked':
      me.runtime.kick(remote.id);
      return;
    case 'close:member-banned':
      me.runtime.ban(remote.id);
      return;
    case 'close:lobby-left':
      me.runtime.leaveLobby();
      return;
    default:
      // Handshakes, session errors and handshake timeouts: armed before the attempt began; time does the rest.
      return;
  }
}

const PEER_REPORTS = new Set(['peer.connected', 'peer.attemptFailed', 'peer.closed']);
const STEP_LIMIT_MS = 60_000;

/** Plays `path` on a fresh cast: arm for the first attempt, the remote joins, then each step is caused and judged. */
export async function runPeerWorldPath(path: ContractPath<PeerModel, PeerModelEvent>, recorder: CoverageRecorder): Promise<void> {
  const contract = peerWorldContract;
  const cast = await castFor(recorder);
  const { world, me, remote } = cast;
  const reports = () => me.sessions.filter((e) => PEER_REPORTS.has(e.type) && 'remoteId' in e && e.remoteId === remote.id);
  const label = `${contract.name}: ${path.events.map((e) => e.type).join(' → ')}`;
  try {
    const replayed = replay(contract, path.events);
    arm(cast, path.events[0], true);
    void remote.runtime.joinLobby(cast.lobbyId);
    const peerActor = () => me.runtime.actor.system.get(`peer:${remote.id}`) as AnyActorRef | undefined;
    await world.runUntil(() => peerActor() !== undefined, 5_000);
    const peer = peerActor();
    expect(peer, `${label}: our runtime starts a peer session for the remote`).toBeDefined();
    expect(observePeer(peer!), `${label}: start`).toEqual(contract.view(replayed.states[0]!));
    for (const [i, e] of path.events.entries()) {
      const where = `${label}\nstep ${i + 1} (${e.type})`;
      const expectedView = contract.view(replayed.states[i + 1]!);
      const expectedReports = contract.step(replayed.states[i]!, e).emits ?? [];
      const mark = reports().length;
      await cause(cast, e, path.events[i + 1]);
      // The view may hold matchers (a close's reason text): compared as the assertion below compares it, so the
      // world stops at the step's outcome and not after what the runtime's reconnect rounds do next.
      const reached = () => matchesAsAsserted(observePeer(peer!), expectedView) && reports().length - mark >= expectedReports.length;
      await world.runUntil(reached, STEP_LIMIT_MS);
      expect(observePeer(peer!), `${where}: our peer actor`).toEqual(expectedView);
      expect(reports().slice(mark), `${where}: sessions$`).toEqual(expectedReports);
    }
  } finally {
    world.dispose();
  }
}
