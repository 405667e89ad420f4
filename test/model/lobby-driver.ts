/**
 * Runs a generated lobby path against real runtimes on the simulated Steam. Each abstract machine event is caused
 * the way it happens in the world — a join is `runtime.joinLobby`, enter response N is
 * `steam.faults.forceEnterResponse(me, N)` before Steam answers, an invite is another player's `invite`, losing
 * Steam is `faults.disconnectServers`, an owner change is the owner leaving — and after every step the local
 * runtime's lobby actor must have reached the step's state (value, ownership, epoch), with `lobby$`, the root
 * actor and `errors$` agreeing.
 */
import { expect } from 'vitest';
import type { LobbyEvent } from '../../src/machines/lobby.machine.js';
import { toStableJson } from '../../src/machines/serialize.js';
import type { LobbyState } from '../../src/runtime.js';
import { createRuntimeWorld, type Player, type RuntimeWorld } from '../helpers/runtime-world.js';
import { SHORT_LOBBY_TIMING, eventLabel, type LobbyPath, type LobbySnapshot } from './lobby-model.js';
import type { CoverageRecorder } from './recorder.js';

const STATUS_OF: Readonly<Record<string, LobbyState['status']>> = {
  idle: 'idle',
  creating: 'creating',
  joining: 'joining',
  abandoningCreate: 'cancelling',
  abandoningJoin: 'cancelling',
  joined: 'joined',
  leaving: 'leaving',
};

/**
 * What a step must reach: the machine's value and whether we own the lobby. Not the epoch: a graph vertex keeps the
 * context of the first run that reached it, not of its shortest path, so owner commands are generated as "current"
 * or "stale" and the driver turns that into the runtime's real epoch.
 */
function keyOf(snapshot: Pick<LobbySnapshot, 'value' | 'context'>): string {
  const { ownerId, selfId } = snapshot.context;
  return toStableJson({ value: snapshot.value, owner: ownerId !== undefined && ownerId === selfId });
}

export interface LobbyCast {
  readonly world: RuntimeWorld;
  readonly me: Player;
  /** Owns lobby `target`, with `mate` in it. */
  readonly host: Player;
  readonly mate: Player;
  /** Owns lobby `other`, with `mate2` in it. */
  readonly owner2: Player;
  readonly mate2: Player;
  /** Idle; joins whatever lobby we own when a kick needs someone to kick. */
  readonly visitor: Player;
  readonly target: bigint;
  readonly other: bigint;
}

async function createdLobby(w: RuntimeWorld, p: Player): Promise<bigint> {
  const result = p.runtime.createLobby({ data: { name: `lobby of ${p.id}` } });
  await w.runUntil(() => p.runtime.lobbyState().status === 'joined', 5_000);
  const r = await result;
  if (!r.ok) throw new Error(r.error.reason);
  return r.lobbyId;
}

async function joined(w: RuntimeWorld, p: Player, lobbyId: bigint): Promise<void> {
  void p.runtime.joinLobby(lobbyId);
  if (!(await w.runUntil(() => p.runtime.lobbyState().lobbyId === lobbyId, 5_000))) throw new Error('setup join failed');
}

export async function lobbyCast(recorder: CoverageRecorder, lateAnswers: boolean): Promise<LobbyCast> {
  const world = createRuntimeWorld('simulated');
  const inspect = { inspect: recorder.inspect };
  const host = world.player(1, {}, inspect);
  const mate = world.player(2, {}, inspect);
  const owner2 = world.player(3, {}, inspect);
  const mate2 = world.player(4, {}, inspect);
  const visitor = world.player(5, {}, inspect);
  const target = await createdLobby(world, host);
  const other = await createdLobby(world, owner2);
  await joined(world, mate, target);
  await joined(world, mate2, other);
  const me = world.player(0, {}, { ...inspect, timing: lateAnswers ? { lobby: SHORT_LOBBY_TIMING } : undefined });
  await world.run(100);
  return { world, me, host, mate, owner2, mate2, visitor, target, other };
}

export async function runLobbyPath(path: LobbyPath, recorder: CoverageRecorder, lateAnswers: boolean): Promise<void> {
  const cast = await lobbyCast(recorder, lateAnswers);
  const { world, me } = cast;
  try {
    const lobbyActor = me.runtime.actor.system.get('lobby') as { getSnapshot(): LobbySnapshot; subscribe(fn: (s: LobbySnapshot) => void): unknown };
    const seen: string[] = [];
    lobbyActor.subscribe((s) => seen.push(keyOf(s)));
    const steps = path.steps.slice(1); // steps[0] is xstate.init
    for (const [i, step] of steps.entries()) {
      const label = eventLabel(step.event, steps[i - 1]?.state ?? path.steps[0]!.state);
      const where = `step ${i + 1} (${label}) of ${path.steps.length - 1}`;
      const expected = keyOf(step.state);
      const mark = seen.length;
      const errorsBefore = me.errors.length;
      const done = await cause(cast, step.event, steps[i + 1]?.event, label);
      const reached = () => seen.slice(mark).includes(expected) || keyOf(lobbyActor.getSnapshot()) === expected;
      const ok = await world.runUntil(() => reached() && done(), 30_000);
      expect(ok, `${where}: expected ${expected}, runtime is at ${keyOf(lobbyActor.getSnapshot())}`).toBe(true);

      const current = lobbyActor.getSnapshot();
      const membership = (current.value as { membership: string }).membership;
      if (keyOf(current) === expected) {
        expect(me.runtime.lobbyState().status, where).toBe(STATUS_OF[membership]);
        expect(me.runtime.actor.getSnapshot().matches('inLobby'), where).toBe(membership === 'joined');
      }
      const newErrors = me.errors.slice(errorsBefore);
      const event = step.event as LobbyEvent;
      if (event.type === 'lobby.entered' && event.response !== 1 && membership === 'idle' && label.startsWith('lobby.entered')) {
        const before = steps[i - 1]?.state ?? path.steps[0]!.state;
        if ((before.value as { membership: string }).membership === 'joining') {
          expect(newErrors, where).toContainEqual(expect.objectContaining({ kind: 'join-failed', response: event.response }));
        }
      }
      if (isRejected(step.state, event, steps[i - 1]?.state ?? path.steps[0]!.state)) {
        expect(newErrors.map((e) => e.kind), `${where}: a refused command is reported`).toContain('wrong-state');
      }
    }
  } finally {
    world.dispose();
  }
}

/** A command that leaves the machine where it was and is not an owner command the owner may give. */
function isRejected(after: LobbySnapshot, event: LobbyEvent, before: LobbySnapshot): boolean {
  const commands = ['lobby.leave', 'lobby.kick', 'lobby.ban', 'lobby.start', 'lobby.create', 'lobby.join'];
  if (!commands.includes(event.type)) return false;
  if (toStableJson(after.value) !== toStableJson(before.value)) return false;
  const accepted =
    (event.type === 'lobby.kick' || event.type === 'lobby.ban' || event.type === 'lobby.start') &&
    event.epoch === before.context.epoch &&
    before.context.ownerId === before.context.selfId &&
    (before.value as { membership: string }).membership === 'joined';
  const leaveWhileLeaving = event.type === 'lobby.leave' && ['abandoningCreate', 'abandoningJoin', 'leaving'].includes((before.value as { membership: string }).membership);
  return !accepted && !leaveWhileLeaving;
}

function playerById(cast: LobbyCast, id: bigint | undefined): Player | undefined {
  return [cast.host, cast.mate, cast.owner2, cast.mate2, cast.visitor].find((p) => p.id === id);
}

/** Someone other than us in our lobby (the visitor is fetched when we own an empty one). */
async function someoneToExpel(cast: LobbyCast): Promise<bigint> {
  const { me, world, visitor } = cast;
  const state = me.runtime.lobbyState();
  if (state.status !== 'joined' || state.lobbyId === undefined) return cast.mate.id;
  const others = () => me.runtime.members().filter((m) => !m.isSelf);
  if (others().length === 0) {
    if (visitor.runtime.lobbyState().status !== 'idle') visitor.runtime.leaveLobby();
    void visitor.runtime.joinLobby(state.lobbyId);
    await world.runUntil(() => others().length > 0, 5_000);
  }
  return others()[0]!.id;
}

/** The lobby that is not the one we are in. */
function otherLobby(cast: LobbyCast): bigint {
  return cast.me.runtime.lobbyState().lobbyId === cast.target ? cast.other : cast.target;
}

type Done = () => boolean;

/** A late answer in idle changes no state: the step is done when the runtime has left the stray lobby. */
function strayLeft(me: Player): Done {
  const before = me.lifecycleOf('lifecycle.strayLeft').length;
  return () => me.lifecycleOf('lifecycle.strayLeft').length > before;
}
const always: Done = () => true;

async function cause(cast: LobbyCast, event: LobbyEvent, next: LobbyEvent | undefined, label: string): Promise<Done> {
  const { me, world } = cast;
  const steam = world.sim.steam;
  const state = me.runtime.lobbyState();
  switch (event.type) {
    case 'lobby.create': {
      // A create Steam will refuse: it fails when Steam's servers are unreachable at the time of the request.
      const refused = next?.type === 'lobby.created' && next.result !== 1;
      if (refused) {
        steam.faults.disconnectServers(me.id);
        await world.run(20);
      }
      void me.runtime.createLobby(event.data === undefined ? {} : { data: event.data });
      if (refused) steam.faults.reconnectServers(me.id);
      return always;
    }
    case 'lobby.join':
      void me.runtime.joinLobby(state.status === 'joined' ? otherLobby(cast) : cast.target);
      return always;
    case 'lobby.invited': {
      const inviter = state.lobbyId === cast.other ? cast.host : cast.owner2;
      const before = me.lifecycleOf('lifecycle.inviteReceived').length;
      inviter.runtime.invite(me.id);
      const busy = state.status !== 'idle' && state.status !== 'joined';
      const rejectedBefore = me.lifecycleOf('lifecycle.rejected').length;
      if (busy) return () => me.lifecycleOf('lifecycle.rejected').length > rejectedBefore;
      return state.status === 'joined' ? () => me.lifecycleOf('lifecycle.inviteReceived').length > before : always;
    }
    case 'lobby.joinRequested': {
      const lobbyId = state.lobbyId === cast.target ? cast.other : cast.target;
      const rejectedBefore = me.lifecycleOf('lifecycle.rejected').length;
      steam.requestJoin(me.id, lobbyId, lobbyId === cast.target ? cast.host.id : cast.owner2.id);
      const busy = state.status !== 'idle' && state.status !== 'joined';
      return busy ? () => me.lifecycleOf('lifecycle.rejected').length > rejectedBefore : always;
    }
    case 'lobby.leave':
      me.runtime.leaveLobby();
      return always;
    case 'lobby.kick':
    case 'lobby.ban': {
      const memberId = await someoneToExpel(cast);
      const options = { epoch: epochOf(label, state) };
      if (event.type === 'lobby.kick') me.runtime.kick(memberId, options);
      else me.runtime.ban(memberId, options);
      return always;
    }
    case 'lobby.start':
      me.runtime.startGame({ epoch: epochOf(label, state) });
      return always;
    case 'lobby.list':
      void me.runtime.findLobbies();
      return always;
    case 'lobby.entered':
      if (event.response !== 1) steam.faults.forceEnterResponse(me.id, event.response);
      return state.status === 'idle' ? strayLeft(me) : always;
    case 'lobby.created':
      return state.status === 'idle' ? strayLeft(me) : always;
    case 'steam.serversDisconnected': {
      steam.faults.disconnectServers(me.id);
      const before = me.errors.length;
      await world.run(20);
      steam.faults.reconnectServers(me.id);
      return () => me.errors.length >= before;
    }
    case 'lobby.ownerChanged': {
      const owner = playerById(cast, state.ownerId);
      const before = me.lifecycleOf('lifecycle.ownerChanged').length;
      owner?.runtime.leaveLobby();
      return () => me.lifecycleOf('lifecycle.ownerChanged').length > before;
    }
    case 'member.changed': {
      const owner = playerById(cast, state.ownerId);
      owner?.runtime.kick(me.id);
      return always;
    }
    // Steam's own answers and the machine's timers: they come by themselves as time passes.
    case 'lobby.listReceived':
    case 'lobby.left':
    default:
      return always;
  }
}

/** "current" is the epoch the runtime has now; "stale" the one before it (an owner command from before a change). */
function epochOf(label: string, state: LobbyState): number {
  return label.endsWith(':stale') ? state.epoch - 1 : state.epoch;
}
