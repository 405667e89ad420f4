/**
 * The lobby and lobby list contracts played on the simulated Steam by real runtimes. A world contract keeps the
 * machine's table (its rows decide every expectation) and narrows the alphabet to what a driver can cause there —
 * a join is `runtime.joinLobby`, enter response N is `faults.forceEnterResponse`, an invite is another player's
 * `invite`, losing Steam is `faults.disconnectServers`, an owner change is the owner leaving — in two worlds:
 * Steam answering before the request timeouts, and after them (so timeouts and late answers are paths too).
 * After every step the runtime's own actor must show the contract's view, `lobbyState()` must agree, and what
 * `lifecycle$` published must be what the table says the machine emits, with ids compared by their role.
 */
import { expect } from 'vitest';
import type { AnyActorRef } from 'xstate';
import type { LobbyStatus } from '../../src/runtime/lobby-state.js';
import { toStableJson } from '../../src/machines/serialize.js';
import { createRuntimeWorld, type Player, type RuntimeWorld } from '../helpers/runtime-world.js';
import { replay, type Contract, type ContractPath, type Outcome } from './contract.js';
import { matchesAsAsserted } from './matches.js';
import {
  ENTER_FAILURES,
  LATE,
  MATE,
  OTHER,
  SELF,
  TARGET,
  DEFAULT_RULES,
  lobbyAlphabet,
  lobbyContract,
  observeLobby,
  type LobbyModel,
  type LobbyModelEvent,
  type LobbyState,
} from './lobby-contract.js';
import type { CoverageRecorder } from './recorder.js';

export type LobbyWorldKind = 'Steam answers in time' | 'Steam answers after the timeouts';

/** A Steam answer to a request that timed out, still on its way. */
type Late = { readonly kind: 'create' } | { readonly kind: 'join'; readonly lobbyId: bigint };

export interface LobbyWorldModel {
  readonly m: LobbyModel;
  readonly late?: Late;
}

/** Steam (the simulator) answers a lobby request after its server latency; the late world gives up before that. */
const LATE_TIMING = { requestTimeoutMs: 20, leaveTimeoutMs: 2_000, listTimeoutMs: 20 } as const;

const COMMANDS = ['kick@current', 'kick@stale', 'ban@current', 'ban@stale', 'start@current', 'start@stale'];

/** What the driver can cause in each state: labels of the contract's alphabet (or the world's own events below). */
const CAUSABLE: Readonly<Record<LobbyWorldKind, Readonly<Record<LobbyState, readonly string[]>>>> = {
  'Steam answers in time': {
    // An invite only notifies (invites wait for `acceptInvite` by default); accepting it joins.
    idle: ['create', 'create:data', 'join', 'invited', 'accept:target', 'accept:other', 'joinRequested', 'leave', ...COMMANDS],
    creating: ['created:ok', 'created:no connection', 'serversLost', 'leave', 'kick@current', 'start@current'],
    joining: ['entered:awaited', ...ENTER_FAILURES.map((r) => `entered:awaited:${r}`), 'serversLost', 'leave', 'ban@current'],
    abandoningCreate: ['created:ok', 'serversLost', 'kick@current'],
    abandoningJoin: ['entered:awaited', 'entered:awaited:4', 'serversLost', 'start@current'],
    // Not 'serversLost' here: the simulator's servers come back within the step, and the seat held while we get
    // back in is runtime-reconnect.test.ts's (the bare contract judges every step of it).
    present: [
      'leave',
      ...COMMANDS,
      'create',
      'join',
      'invited',
      'accept:other',
      'accept:target',
      'joinRequested',
      'ownerChanged:self',
      // Not 'self:banned': the simulator tells a banned member only LobbyKicked (no ban flag), so it reads as a kick.
      'self:kicked',
    ],
    waitingForSteam: [],
    rejoining: [],
    pausing: [],
    // Never rested in: Steam's leave is synchronous, so a step into leaving ends with `lobby.left` (see worldEvents).
    leaving: [],
  },
  'Steam answers after the timeouts': {
    idle: ['create', 'join', 'created:late', 'entered:late', 'leave'],
    creating: ['timeout', 'leave'],
    joining: ['timeout', 'leave'],
    abandoningCreate: ['timeout'],
    abandoningJoin: ['timeout'],
    present: ['leave'],
    waitingForSteam: [],
    rejoining: [],
    pausing: [],
    leaving: [],
  },
};

/**
 * An event the world causes, as the contract events it sends the machine, in order: Steam sends the creator of a
 * lobby LobbyEnter after LobbyCreated, so a created lobby arrives as both (the second decided on the first's state).
 */
export interface WorldEvent extends LobbyModelEvent {
  readonly then?: (m: LobbyModel) => LobbyModelEvent;
}

/** The LobbyEnter Steam sends the creator of `lobbyId`: our lobby again, or the stray lobby its LobbyCreated left. */
const creatorEnters =
  (lobbyId: bigint) =>
  (m: LobbyModel): LobbyModelEvent => ({
    type: 'entered (creator)',
    kind: m.lobby === lobbyId ? 'entered:current' : m.stray === lobbyId ? 'entered:stray' : 'entered:elsewhere',
    event: { type: 'lobby.entered', lobbyId, response: 1 },
    stimulus: { send: [] },
  });

const steamLeft = (): LobbyModelEvent => ({ type: 'left', kind: 'left', event: { type: 'lobby.left' }, stimulus: { send: [] } });

function worldEvents(kind: LobbyWorldKind, w: LobbyWorldModel): WorldEvent[] {
  const { m } = w;
  const base: WorldEvent[] = lobbyAlphabet(DEFAULT_RULES, m).map((e) => {
    if (e.kind === 'timeout') return { ...e, type: 'timeout' };
    if (e.type === 'created:ok') return { ...e, then: creatorEnters((e.event as { lobbyId: bigint }).lobbyId) };
    // Steam's leave is synchronous: the runtime answers `lobby.left` within the step that left.
    if (lobbyContract.step(m, e).next.state === 'leaving') return { ...e, then: steamLeft };
    return e;
  });
  // Steam refuses a create made while its servers are unreachable: LobbyCreated with k_EResultNoConnection (3).
  base.push({
    type: 'created:no connection',
    kind: 'created:failed',
    event: { type: 'lobby.created', result: 3, lobbyId: 0n },
    stimulus: { send: [] },
  });
  // The late answer to a create (a lobby made for us, stray now) or to a join (its lobby, stray now).
  if (w.late?.kind === 'create') {
    const event = { type: 'lobby.created', result: 1, lobbyId: LATE } as const;
    base.push({ type: 'created:late', kind: 'created', event, stimulus: { send: [] }, then: creatorEnters(LATE) });
  }
  if (w.late?.kind === 'join') {
    const lobbyId = w.late.lobbyId;
    base.push({ type: 'entered:late', kind: 'entered:elsewhere', event: { type: 'lobby.entered', lobbyId, response: 1 }, stimulus: { send: [] } });
  }
  const allowed = CAUSABLE[kind][m.state];
  return base.filter((e) => {
    if (!allowed.includes(e.type)) return false;
    // An owner change or a kick comes from the owner: a member sees them.
    if (['ownerChanged:self', 'self:kicked'].includes(e.type)) return m.owner === MATE;
    // While a late answer is on its way, only what is synchronous or the answer itself.
    if (w.late !== undefined) return ['created:late', 'entered:late', 'leave'].includes(e.type);
    return !(e.type === 'created:late' || e.type === 'entered:late');
  });
}

/** What a world event does, per the contract's table: each contract event it sends, in turn. */
function worldStep(m: LobbyModel, e: WorldEvent): Outcome<LobbyModel> {
  const first = lobbyContract.step(m, e);
  if (e.then === undefined) return first;
  const second = lobbyContract.step(first.next, e.then(first.next));
  return {
    next: second.next,
    effects: [...(first.effects ?? []), ...(second.effects ?? [])],
    emits: [...(first.emits ?? []), ...(second.emits ?? [])],
  };
}

export function lobbyWorldContract(kind: LobbyWorldKind): Contract<LobbyWorldModel, WorldEvent> {
  return {
    name: `lobby on the simulated Steam (${kind})`,
    initial: { m: lobbyContract.initial },
    alphabet: (w) => worldEvents(kind, w),
    step: (w, e) => {
      const outcome = worldStep(w.m, e);
      let late = w.late;
      if (e.type === 'timeout' && (w.m.state === 'creating' || w.m.state === 'abandoningCreate')) late = { kind: 'create' };
      if (e.type === 'timeout' && (w.m.state === 'joining' || w.m.state === 'abandoningJoin')) late = { kind: 'join', lobbyId: w.m.target! };
      if (e.type === 'created:late' || e.type === 'entered:late') late = undefined;
      return { ...outcome, next: late === undefined ? { m: outcome.next } : { m: outcome.next, late } };
    },
    key: (w) => `${lobbyContract.key(w.m)} late:${toStableJson(w.late)}`,
    view: (w) => lobbyContract.view(w.m),
  };
}

// ── the game's view of the lobby (LobbyStatus, runtime/lobby-state.ts), per the contract's states ──────────────

/** `lobbyState().status` in each state: the wait the game asked for, and 'cancelling' for a create or join it cancelled. */
export const GAME_STATUS: Readonly<Record<LobbyState, LobbyStatus>> = {
  idle: 'idle',
  creating: 'creating',
  joining: 'joining',
  abandoningCreate: 'cancelling',
  abandoningJoin: 'cancelling',
  present: 'joined',
  waitingForSteam: 'reconnecting',
  rejoining: 'reconnecting',
  pausing: 'reconnecting',
  leaving: 'leaving',
};

// ── the cast and the driver ─────────────────────────────────────────────────────────────────────────────────

interface Cast {
  readonly world: RuntimeWorld;
  readonly me: Player;
  /** Owns lobby `target`. */
  readonly host: Player;
  /** Owns lobby `other`. */
  readonly owner2: Player;
  /** Joins a lobby we own when a kick needs someone to kick. */
  readonly visitor: Player;
  readonly target: bigint;
  readonly other: bigint;
}

async function hosted(w: RuntimeWorld, p: Player): Promise<bigint> {
  const result = p.runtime.createLobby({ data: { name: `lobby of ${p.id}` } });
  await w.runUntil(() => p.runtime.lobbyState().status === 'joined', 5_000);
  const r = await result;
  if (!r.ok) throw new Error(r.error.reason);
  return r.lobbyId;
}

export async function castFor(kind: LobbyWorldKind, recorder: CoverageRecorder): Promise<Cast> {
  const world = createRuntimeWorld('simulated');
  const inspect = { inspect: recorder.inspect };
  const host = world.player(1, {}, inspect);
  const owner2 = world.player(3, {}, inspect);
  const visitor = world.player(5, {}, inspect);
  const target = await hosted(world, host);
  const other = await hosted(world, owner2);
  const timing = kind === 'Steam answers after the timeouts' ? { lobby: LATE_TIMING } : undefined;
  const me = world.player(0, {}, { ...inspect, timing });
  await world.run(100);
  return { world, me, host, owner2, visitor, target, other };
}

/** Ids by the role the contract gives them, so a contract's expectation and the world's values compare. */
export function roles(cast: Cast) {
  const role = (id: bigint): string => {
    if (id === cast.me.id || id === SELF) return 'self';
    if (id === cast.target || id === TARGET) return 'target lobby';
    if (id === cast.other || id === OTHER) return 'other lobby';
    if ([cast.host.id, cast.owner2.id, cast.visitor.id, MATE].includes(id)) return 'another player';
    // NEW and LATE in the contract; in the world, every other lobby is one a create of ours made.
    return 'a lobby we created';
  };
  const map = (value: unknown): unknown => {
    if (typeof value === 'bigint') return role(value);
    if (Array.isArray(value)) return value.map(map);
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, map(v)]));
    }
    return value; // asymmetric matchers and primitives
  };
  return map;
}

const modelLobby = (cast: Cast, id: bigint): bigint => (id === TARGET ? cast.target : id === OTHER ? cast.other : id);

function ownerOf(cast: Cast, lobbyId: bigint | undefined): Player | undefined {
  const owner = lobbyId === undefined ? undefined : cast.world.sim.steam.lobby(lobbyId)?.owner;
  return [cast.host, cast.owner2, cast.visitor].find((p) => p.id === owner);
}

/** Someone other than us in our lobby (the visitor is fetched when we own an empty one). */
async function someoneToExpel(cast: Cast): Promise<bigint> {
  const { me, world, visitor } = cast;
  const lobbyId = me.runtime.lobbyState().lobbyId;
  const others = () => me.runtime.members().filter((m) => !m.isSelf);
  if (lobbyId !== undefined && others().length === 0) {
    if (visitor.runtime.lobbyState().status !== 'idle') visitor.runtime.leaveLobby();
    void visitor.runtime.joinLobby(lobbyId);
    await world.runUntil(() => others().length > 0, 5_000);
  }
  return others()[0]?.id ?? cast.host.id;
}

async function cause(cast: Cast, w: LobbyWorldModel, e: WorldEvent, next: WorldEvent | undefined): Promise<void> {
  const { me, world } = cast;
  const steam = world.sim.steam;
  const event = e.event;
  switch (e.type) {
    case 'create':
    case 'create:data': {
      const create = event as Extract<typeof event, { type: 'lobby.create' }>;
      const options = e.type === 'create' ? {} : { lobbyType: create.lobbyType, maxMembers: create.maxMembers, data: create.data };
      // Steam refuses a create made while its servers are unreachable.
      const refused = next?.type === 'created:no connection';
      if (refused) {
        steam.faults.disconnectServers(me.id);
        await world.run(20);
      }
      void me.runtime.createLobby(options);
      if (refused) steam.faults.reconnectServers(me.id);
      return;
    }
    case 'join':
      void me.runtime.joinLobby(modelLobby(cast, (event as { lobbyId: bigint }).lobbyId));
      return;
    case 'invited': {
      const lobbyId = modelLobby(cast, (event as { lobbyId: bigint }).lobbyId);
      ownerOf(cast, lobbyId)?.runtime.invite(me.id);
      return;
    }
    case 'accept:target':
    case 'accept:other': {
      const invite = event as { lobbyId: bigint; from: bigint };
      const lobbyId = modelLobby(cast, invite.lobbyId);
      void me.runtime.acceptInvite({ lobbyId, from: ownerOf(cast, lobbyId)!.id });
      return;
    }
    case 'joinRequested': {
      const lobbyId = modelLobby(cast, (event as { lobbyId: bigint }).lobbyId);
      steam.requestJoin(me.id, lobbyId, ownerOf(cast, lobbyId)!.id);
      return;
    }
    case 'leave':
      me.runtime.leaveLobby();
      return;
    case 'kick@current':
    case 'kick@stale':
    case 'ban@current':
    case 'ban@stale': {
      const epoch = (event as { epoch: number }).epoch;
      const memberId = w.m.owner === SELF ? await someoneToExpel(cast) : (ownerOf(cast, me.runtime.lobbyState().lobbyId)?.id ?? cast.host.id);
      if (e.type.startsWith('kick')) me.runtime.kick(memberId, { epoch });
      else me.runtime.ban(memberId, { epoch });
      return;
    }
    case 'start@current':
    case 'start@stale':
      me.runtime.startGame({ epoch: (event as { epoch: number }).epoch });
      return;
    case 'serversLost':
      steam.faults.disconnectServers(me.id);
      await world.run(20);
      steam.faults.reconnectServers(me.id);
      return;
    case 'ownerChanged:self': {
      // The owner leaves (Steam makes the oldest member the owner: us), then comes back as a member.
      const lobbyId = me.runtime.lobbyState().lobbyId!;
      const owner = ownerOf(cast, lobbyId)!;
      owner.runtime.leaveLobby();
      await world.runUntil(() => me.runtime.lobbyState().isOwner, 5_000);
      void owner.runtime.joinLobby(lobbyId);
      await world.runUntil(() => owner.runtime.lobbyState().status === 'joined', 5_000);
      return;
    }
    case 'self:kicked':
      ownerOf(cast, me.runtime.lobbyState().lobbyId)?.runtime.kick(me.id);
      return;
    default:
      if (e.type.startsWith('entered:awaited:')) steam.faults.forceEnterResponse(me.id, (event as { response: number }).response);
      // Steam's answers and the machine's timers come by themselves as time passes.
      return;
  }
}

export const STEP_LIMIT_MS = 10_000;

/**
 * Plays `path` on a fresh cast. Each step is caused once; the world then runs until the runtime's lobby actor
 * shows the contract's view, and the step's lifecycle events are compared.
 */
export async function runLobbyWorldPath(
  kind: LobbyWorldKind,
  path: ContractPath<LobbyWorldModel, WorldEvent>,
  recorder: CoverageRecorder,
): Promise<void> {
  const contract = lobbyWorldContract(kind);
  const cast = await castFor(kind, recorder);
  const { world, me } = cast;
  const role = roles(cast);
  const lobby = me.runtime.actor.system.get('lobby') as AnyActorRef;
  // The roster is the members Steam lists, in its order: the bare contract judges how the machine keeps it.
  const withoutRoster = (v: unknown) => ({ ...(v as object), roster: 'n/a' });
  const view = () => role(withoutRoster(observeLobby(lobby)));
  // The members a lifecycle event lists are Steam's, in its order: who they are is compared, not their order.
  const published = (events: readonly unknown[]) =>
    (role(events) as { members?: string[] }[]).map((e) => (e.members === undefined ? e : { ...e, members: [...e.members].sort() }));
  const label = `${contract.name}: ${path.events.map((e) => e.type).join(' → ')}`;
  try {
    const replayed = replay(contract, path.events);
    expect(view(), `${label}\nstart`).toEqual(role(withoutRoster(contract.view(replayed.states[0]!))));
    for (const [i, event] of path.events.entries()) {
      const where = `${label}\nstep ${i + 1} (${event.type})`;
      const expectedEmits = [...(contract.step(replayed.states[i]!, event).emits ?? [])]
        // The runtime adds the inviter's persona name to an invite it publishes (whatever the backend calls them).
        .map((emit) => ((emit as { type?: string }).type === 'lifecycle.inviteReceived' ? { ...(emit as object), fromName: expect.any(String) } : emit));
      const expectedView = role(withoutRoster(contract.view(replayed.states[i + 1]!)));
      const mark = me.lifecycle.length;
      await cause(cast, replayed.states[i]!, event, path.events[i + 1]);
      const reached = () => matchesAsAsserted(view(), expectedView) && me.lifecycle.length - mark >= expectedEmits.length;
      await world.runUntil(reached, STEP_LIMIT_MS);
      expect(view(), `${where}: the runtime's lobby actor`).toEqual(expectedView);
      expect(published(me.lifecycle.slice(mark)), `${where}: lifecycle$`).toEqual(published(expectedEmits));
      const m = replayed.states[i + 1]!.m;
      expect(role({ ...me.runtime.lobbyState() }), `${where}: lobbyState()`).toEqual(
        role({
          status: GAME_STATUS[m.state],
          lobbyId: m.lobby,
          joiningLobbyId: m.state === 'joining' || m.state === 'abandoningJoin' ? m.target : me.runtime.lobbyState().joiningLobbyId,
          ownerId: m.owner,
          isOwner: m.owner === SELF,
          epoch: m.epoch,
        }),
      );
    }
  } finally {
    world.dispose();
  }
}
