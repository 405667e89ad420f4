/**
 * Paths for a game's tests through lobbykit's invite, reconnect and vote-kick flows, generated from the lobby,
 * peer-session and vote-kick machines (each path is the machine's shortest way to that outcome), each with a
 * ready simulated world that plays it with real runtimes and hands back what the player's runtime published — so a
 * game can check its invite toast, its "reconnecting…" banner or its vote panel for every outcome.
 */
import type { Subscription } from 'rxjs';
import { getNextSnapshot, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { VirtualClock } from '../effects/clock.js';
import { createSimulatedSteam, type SimulatedSteam } from '../effects/sim/network.js';
import { NO_EFFECTS } from '../machines/effects.js';
import { lobbyMachine, type LobbyEvent, type LobbyInput } from '../machines/lobby.machine.js';
import { peerSessionMachine } from '../machines/peer-session.machine.js';
import type { SessionEmitted } from '../machines/session.machine.js';
import { toStableJson } from '../machines/serialize.js';
import { voteKickMachine, type VoteEndReason, type VoteKickEmitted, type VoteKickEvent } from '../machines/vote-kick.machine.js';
import { createLobbyRuntime, type LifecycleEvent, type LobbyRuntime, type LobbyRuntimeOptions } from '../runtime.js';
import { createBot, type Bot } from './bots.js';
import { advanceUntil } from './virtual-time.js';

/** What the player's runtime published while a flow played. */
export interface FlowRecord {
  readonly lifecycle: readonly LifecycleEvent[];
  readonly sessions: readonly SessionEmitted[];
  readonly votes: readonly VoteKickEmitted[];
}

export interface FlowPath<Outcome extends string> {
  readonly outcome: Outcome;
  /** The machine path, as event types (`xstate.after.*` for timers). */
  readonly events: readonly string[];
  /** A fresh world in which this flow plays with real runtimes. */
  start(options?: { readonly seed?: number }): FlowWorld;
}

export interface FlowWorld {
  readonly clock: VirtualClock;
  readonly steam: SimulatedSteam;
  /** The local player's runtime (the one the game under test would use). */
  readonly player: LobbyRuntime;
  readonly bots: readonly Bot[];
  run(): Promise<FlowRecord>;
  dispose(): void;
}

export type InviteOutcome = 'ignored' | 'accepted' | 'switched' | 'auto-accepted';
export type ReconnectOutcome = 'seat-kept' | 'seat-lost' | 'session-reconnected';
export type VoteKickOutcome = Extract<VoteEndReason, 'kicked' | 'expired' | 'rejected' | 'target-left'>;

const PLAYER = 76561198000000021n;
const HOST = 76561198000000022n;
const OTHER = 76561198000000023n;
const TARGET = 76561198000000024n;
const LOBBY = 109775240000000021n;
const ELSEWHERE = 109775240000000022n;
const TIMING: LobbyRuntimeOptions['timing'] = {
  lobby: { seatReservationMs: 3_000, rejoinIntervalMs: 500 },
  vote: { voteTimeoutMs: 3_000, executeTimeoutMs: 2_000 },
  peer: { handshakeTimeoutMs: 500, livenessTimeoutMs: 1_500 },
};
const RETRY = { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 400 } as const;

type Script = (w: Stage) => Promise<void>;

// ── generated paths ─────────────────────────────────────────────────────────────────────────────────────────

type LobbyWant = (value: string, ctx: { readonly lobbyId?: bigint; readonly joinSource?: string; readonly invites: readonly unknown[] }, types: readonly string[]) => boolean;

/**
 * The machine's shortest path to a state `want` accepts, as event types; with `via`, the shortest path to a state
 * `via` accepts and on from there, for an outcome whose end state is also reached by a shorter way (switching into
 * an invited lobby ends where accepting it from no lobby does).
 */
function lobbyPath(input: Partial<LobbyInput>, events: readonly LobbyEvent[], want: LobbyWant, via?: LobbyWant): string[] {
  const timers = Object.values(lobbyMachine.root.states.joined!.states).flatMap((n) => n.after.map((t) => ({ type: t.eventType }) as unknown as LobbyEvent));
  const walk = (accept: LobbyWant, fromState?: SnapshotFrom<typeof lobbyMachine>) => {
    const paths = getShortestPaths(lobbyMachine, {
      input: { selfId: PLAYER, effects: NO_EFFECTS, ...input },
      events: [...events, ...timers],
      serializeEvent: toStableJson,
      ...(fromState === undefined ? {} : { fromState }),
    });
    const found = paths.find((p) => accept(typeof p.state.value === 'string' ? p.state.value : JSON.stringify(p.state.value), p.state.context, p.steps.map((s) => s.event.type)));
    if (found === undefined) throw new Error('lobbykit: the lobby machine has no such path');
    return found;
  };
  if (via === undefined) return walk(want).steps.map((s) => s.event.type);
  const first = walk(via);
  const rest = walk(want, first.state);
  // A path from a given state starts with that state itself, reached by no event of ours.
  const types = (steps: typeof first.steps): string[] => steps.map((s) => s.event.type);
  return [...types(first.steps), ...types(rest.steps).filter((t) => t !== 'xstate.init')];
}

/** Invites: ignored, accepted, accepted while in another lobby, auto-accepted. */
export function inviteFlowPaths(): FlowPath<InviteOutcome>[] {
  const invited: LobbyEvent = { type: 'lobby.invited', lobbyId: LOBBY, from: HOST };
  const events: LobbyEvent[] = [
    invited,
    { type: 'lobby.acceptInvite', lobbyId: LOBBY, from: HOST },
    { type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: HOST, members: [HOST, PLAYER] },
    { type: 'lobby.join', lobbyId: ELSEWHERE },
    { type: 'lobby.entered', lobbyId: ELSEWHERE, response: 1, ownerId: OTHER, members: [OTHER, PLAYER] },
    { type: 'lobby.left' },
  ];
  const joined = (v: string) => v.includes('present');
  return [
    flow('ignored', lobbyPath({}, events, (v, c, t) => v === 'idle' && c.invites.length === 1 && !t.includes('lobby.join')), invites(false, false)),
    flow('accepted', lobbyPath({}, events, (v, c, t) => joined(v) && c.joinSource === 'invite' && !t.includes('lobby.join')), invites(true, false)),
    flow(
      'switched',
      lobbyPath({}, events, (v, c) => joined(v) && c.joinSource === 'invite', (v, c) => joined(v) && c.lobbyId === ELSEWHERE && c.invites.length === 1),
      invites(true, true),
    ),
    flow('auto-accepted', lobbyPath({ autoAcceptInvites: true }, [invited, events[2]!], (v) => joined(v)), invites(false, false), { autoAcceptInvites: true }),
  ];
}

/** Reconnecting: our seat kept across a drop, our seat lost, and a closed session brought back by the policy. */
export function reconnectPaths(): FlowPath<ReconnectOutcome>[] {
  const events: LobbyEvent[] = [
    { type: 'lobby.join', lobbyId: LOBBY },
    { type: 'lobby.entered', lobbyId: LOBBY, response: 1, ownerId: HOST, members: [HOST, PLAYER] },
    { type: 'steam.serversDisconnected' },
    { type: 'steam.serversConnected' },
  ];
  // Back in: the same present state as after the first join, so the path is the way into rejoining and Steam's answer.
  const seatKept = [...lobbyPath({}, events, (v) => v.includes('rejoining')), 'lobby.entered'];
  // Out of the lobby and waiting for Steam, then the seat's timer: every way out ends in idle, so the path is the
  // way into reconnecting and that timer.
  const seatTimer = lobbyMachine.root.states.joined!.states.reconnecting!.after[0]!.eventType;
  const seatLost = [...lobbyPath({}, events, (v) => v.includes('waitingForSteam')), seatTimer];
  // A session that closes for good, then the new session of the next round, which connects.
  const peer = (alphabet: readonly { readonly type: string }[], want: (v: unknown) => boolean) => {
    const paths = getShortestPaths(peerSessionMachine, { input: { remoteId: HOST, retry: RETRY, effects: NO_EFFECTS }, events: alphabet as never, serializeEvent: toStableJson });
    return paths.find((p) => want(p.state.value))!.steps.map((s) => s.event.type);
  };
  const timers = [peerSessionMachine.root.states.handshaking!, peerSessionMachine.root.states.retrying!].flatMap((n) => n.after.map((t) => ({ type: t.eventType })));
  const closed = peer(timers, (v) => v === 'closed');
  const connected = peer([{ type: 'peer.handshakeAck', remoteId: HOST } as { type: string }], (v) => v === 'connected');
  return [
    flow('seat-kept', seatKept, drop(true)),
    flow('seat-lost', seatLost, drop(false)),
    flow('session-reconnected', [...closed, ...connected], cutAndHeal, { retry: RETRY, reconnect: { baseDelayMs: 1_000, maxDelayMs: 2_000 } }),
  ];
}

/** Vote-kick, seen by a member who votes: kicked, expired, rejected, and the target leaving first. */
export function voteKickPaths(): FlowPath<VoteKickOutcome>[] {
  const members = [PLAYER, HOST, OTHER, TARGET];
  const ballot = (voter: bigint, approve: boolean): VoteKickEvent => ({ type: 'vote.ballotReceived', voter, starter: OTHER, voteId: 1, target: TARGET, approve, members });
  const events: VoteKickEvent[] = [
    { type: 'vote.owner', ownerId: HOST, epoch: 1 },
    { type: 'vote.startReceived', starter: OTHER, voteId: 1, target: TARGET, members },
    ballot(PLAYER, true),
    ballot(PLAYER, false),
    ballot(HOST, false),
    { type: 'member.changed', memberId: TARGET, change: 'kicked', changedBy: HOST },
    { type: 'member.changed', memberId: TARGET, change: 'left' },
  ];
  const timers = ['open', 'passed'].flatMap((s) => voteKickMachine.root.states[s]!.after.map((t) => ({ type: t.eventType }) as unknown as VoteKickEvent));
  const paths = getShortestPaths(voteKickMachine, { input: { selfId: PLAYER, effects: NO_EFFECTS }, events: [...events, ...timers], serializeEvent: toStableJson });
  const alphabet = [...events, ...timers];
  /** The shortest way to a vote that one more event ends this way: the path there, and that event. */
  const ending = (outcome: VoteKickOutcome): string[] => {
    const ends = (from: unknown, event: VoteKickEvent, to: unknown): boolean => {
      if (to !== 'idle' || from === 'idle') return false;
      if (outcome === 'kicked') return from === 'passed' && event.type === 'member.changed' && event.change === 'kicked';
      if (outcome === 'target-left') return event.type === 'member.changed' && event.change === 'left';
      if (outcome === 'expired') return event.type.startsWith('xstate.after.voteTimeout');
      return event.type === 'vote.ballotReceived' && !event.approve;
    };
    for (const path of [...paths].sort((a, b) => a.steps.length - b.steps.length)) {
      const event = alphabet.find((e) => ends(path.state.value, e, getNextSnapshot(voteKickMachine, path.state, e).value));
      if (event !== undefined) return [...path.steps.map((s) => s.event.type), event.type];
    }
    throw new Error(`lobbykit: the vote-kick machine has no path to ${outcome}`);
  };
  return (['kicked', 'expired', 'rejected', 'target-left'] as const).map((outcome) => flow(outcome, ending(outcome), vote(outcome)));
}

// ── worlds ──────────────────────────────────────────────────────────────────────────────────────────────────

interface Stage {
  readonly clock: VirtualClock;
  readonly steam: SimulatedSteam;
  readonly player: LobbyRuntime;
  readonly bots: { readonly host: Bot; readonly other: Bot; readonly target: Bot };
  readonly record: FlowRecord & { readonly lifecycle: LifecycleEvent[]; readonly votes: VoteKickEmitted[] };
  until(done: () => boolean, maxMs?: number): Promise<boolean>;
  /** The host's lobby (created on first ask), and `who` in it with every session up. */
  lobby(who: readonly (LobbyRuntime | Bot)[], lobbyType?: 0 | 2): Promise<bigint>;
}

function flow<O extends string>(outcome: O, events: readonly string[], script: Script, options: Omit<LobbyRuntimeOptions, 'backend' | 'clock'> = {}): FlowPath<O> {
  return { outcome, events, start: (o) => stage(script, options, o?.seed ?? 1) };
}

function stage(script: Script, options: Omit<LobbyRuntimeOptions, 'backend' | 'clock'>, seed: number): FlowWorld {
  const clock = new VirtualClock();
  const steam = createSimulatedSteam({ seed, clock });
  const runtime = { timing: TIMING, ...options };
  steam.addUser({ id: PLAYER, name: 'player' });
  const player = createLobbyRuntime({ backend: steam.backend(PLAYER), clock, ...runtime });
  const bot = (id: bigint, name: string) => createBot(steam, clock, { id, name, runtime: { timing: TIMING, retry: options.retry, reconnect: options.reconnect } });
  const bots = { host: bot(HOST, 'host'), other: bot(OTHER, 'other'), target: bot(TARGET, 'target') };
  for (const id of [OTHER, TARGET, PLAYER]) steam.befriend(HOST, id);
  const record = { lifecycle: [] as LifecycleEvent[], sessions: [] as SessionEmitted[], votes: [] as VoteKickEmitted[] };
  const subscriptions: Subscription[] = [
    player.lifecycle$.subscribe((e) => record.lifecycle.push(e)),
    player.sessions$.subscribe((e) => record.sessions.push(e)),
    player.votes$.subscribe((e) => record.votes.push(e)),
  ];
  const ticking = [player, ...Object.values(bots)];
  let hosted: bigint | undefined;
  const until = (done: () => boolean, maxMs = 15_000) => advanceUntil(clock, done, { tick: ticking, maxMs });
  const w: Stage = {
    clock,
    steam,
    player,
    bots,
    record,
    until,
    async lobby(who, lobbyType = 2) {
      if (hosted === undefined) {
        const created = bots.host.runtime.createLobby({ lobbyType, maxMembers: 8 });
        await until(() => bots.host.runtime.lobbyState().status === 'joined');
        const result = await created;
        if (!result.ok) throw new Error(`lobbykit: the host could not create its lobby: ${result.error.reason}`);
        hosted = result.lobbyId;
      }
      const lobbyId = hosted;
      const runtimes = who.map((x) => ('runtime' in x ? x.runtime : x));
      for (const r of runtimes) void r.joinLobby(lobbyId);
      const size = runtimes.length + 1;
      await until(() => [bots.host.runtime, ...runtimes].every((r) => r.allConnected() && r.members().length === size));
      return lobbyId;
    },
  };
  return {
    clock,
    steam,
    player,
    bots: Object.values(bots),
    async run() {
      await script(w);
      return { lifecycle: [...record.lifecycle], sessions: [...record.sessions], votes: [...record.votes] };
    },
    dispose() {
      for (const s of subscriptions) s.unsubscribe();
      player.dispose();
      for (const b of Object.values(bots)) b.dispose();
    },
  };
}

function invites(accept: boolean, elsewhereFirst: boolean): Script {
  return async (w) => {
    if (elsewhereFirst) {
      const created = w.bots.other.runtime.createLobby({ maxMembers: 4 });
      await w.until(() => w.bots.other.runtime.lobbyState().status === 'joined');
      const other = await created;
      if (other.ok) void w.player.joinLobby(other.lobbyId);
      await w.until(() => w.player.allConnected() && w.player.members().length === 2);
    }
    const lobbyId = await w.lobby([], 0);
    w.bots.host.runtime.invite(PLAYER);
    await w.until(() => w.record.lifecycle.some((e) => e.type === 'lifecycle.inviteReceived'));
    const invite = w.record.lifecycle.find((e) => e.type === 'lifecycle.inviteReceived');
    if (accept && invite?.type === 'lifecycle.inviteReceived') void w.player.acceptInvite(invite);
    await w.until(() => w.player.lobbyState().lobbyId === lobbyId && w.player.allConnected(), accept ? 15_000 : 2_000);
  };
}

function drop(comesBack: boolean): Script {
  return async (w) => {
    await w.lobby([w.player]);
    w.steam.faults.disconnectServers(PLAYER);
    w.steam.faults.dropFromLobbies(PLAYER);
    await w.until(() => w.player.lobbyState().status === 'reconnecting');
    if (comesBack) w.steam.faults.reconnectServers(PLAYER);
    await w.until(() => w.record.lifecycle.some((e) => e.type === 'lifecycle.reconnected' || e.type === 'lifecycle.left'));
  };
}

const cutAndHeal: Script = async (w) => {
  await w.lobby([w.player]);
  w.steam.faults.partition([HOST]);
  await w.until(() => w.record.sessions.some((e) => e.type === 'peer.reconnectScheduled'));
  w.steam.faults.heal();
  await w.until(() => w.player.allConnected());
};

function vote(outcome: VoteKickOutcome): Script {
  return async (w) => {
    const { other, target } = w.bots;
    await w.lobby([w.player, other, target]);
    other.runtime.startVoteKick(TARGET);
    await w.until(() => w.record.votes.some((e) => e.type === 'vote.started'));
    if (outcome === 'kicked') w.player.voteKick(true);
    if (outcome === 'rejected') {
      w.player.voteKick(false);
      w.bots.host.runtime.voteKick(false);
    }
    if (outcome === 'target-left') target.leave();
    await w.until(() => w.record.votes.some((e) => e.type === 'vote.ended'));
  };
}
