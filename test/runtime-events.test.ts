// Steam's callbacks as the runtime translates them (event-translator.ts), each checked against the rule it follows:
// events about another lobby never reach the machines or the game; a failed data update of our lobby means it is
// gone (Valve: LobbyDataUpdate_t's m_bSuccess); a chat line is its bytes up to the first NUL; member-state bits that
// name no change are counted and ignored; a dropped member's seat is held only with seat reservation on; a kick or
// ban notice counts only from the owner, and then puts the target out for good (members, packets, sessions);
// only the owner kicks a returning expelled user again; the members on entry leave out whoever the owner published
// as expelled; Steam's nil owner (0) is no owner; the counters (RuntimeStats' documentation) add up.
// Extra events are handed to one runtime through its backend's drainEvents, as Steam would queue them.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeChatNotice, type ChatNotice } from '../src/codec/chat-notice.js';
import type { Backend, BackendEvent } from '../src/effects/backend.js';
import { EXPELLED_LOBBY_DATA_KEY, formatExpelled } from '../src/runtime/expulsions.js';
import {
  createLobbyRuntime,
  type ChatMessage,
  type LifecycleEvent,
  type LobbyRuntime,
  type LobbyRuntimeError,
  type LobbyRuntimeOptions,
} from '../src/runtime.js';
import { createRuntimeWorld, hostLobby, userId, type Player, type RuntimeWorld } from './helpers/runtime-world.js';

let world: RuntimeWorld | undefined;
const ours: LobbyRuntime[] = [];
afterEach(() => {
  for (const r of ours.splice(0)) r.dispose();
  world?.dispose();
  world = undefined;
});

const ME = userId(1);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A runtime whose backend also hands out injected events, records what it was asked to do, and can be told answers. */
interface Injected {
  readonly runtime: LobbyRuntime;
  readonly lifecycle: LifecycleEvent[];
  readonly errors: LobbyRuntimeError[];
  readonly chat: ChatMessage[];
  /** Every event the root actor received, as the inspection API reports it. */
  readonly machineEvents: { type: string; lobbyId?: unknown }[];
  /** Calls that act on the lobby (kicks, chat sends, data writes). */
  readonly acts: string[];
  /** The sum of drainEvents' answers: how many events the backend handed out. */
  drained(): number;
  inject(...events: BackendEvent[]): void;
  /** Answers for reads, set by a test: first match wins over Steam's. */
  readonly answers: {
    owner?: (lobbyId: bigint) => bigint | undefined;
    data?: (lobbyId: bigint, key: string) => string | undefined;
    persona?: (id: bigint) => string | undefined;
  };
  /** While true the game loop does not tick this runtime (busy): packets and events wait for it. */
  paused: boolean;
}

function injected(w: RuntimeWorld, options: Partial<LobbyRuntimeOptions> = {}): Injected {
  const base = w.sim.user({ id: ME, name: 'player1' });
  const queue: BackendEvent[] = [];
  const acts: string[] = [];
  const answers: Injected['answers'] = {};
  let drained = 0;
  const backend = new Proxy(base, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      switch (property) {
        case 'drainEvents':
          return (sink: (event: BackendEvent) => void): number => {
            const extra = queue.splice(0);
            for (const event of extra) sink(event);
            const n = extra.length + (fn.call(target, sink) as number);
            drained += n;
            return n;
          };
        case 'getLobbyOwner':
          return (lobbyId: bigint) => answers.owner?.(lobbyId) ?? fn.call(target, lobbyId);
        case 'personaName':
          return (id: bigint) => answers.persona?.(id) ?? fn.call(target, id);
        case 'getLobbyData':
          return (lobbyId: bigint, key: string) => answers.data?.(lobbyId, key) ?? fn.call(target, lobbyId, key);
        case 'kickLobbyMember':
        case 'sendLobbyChat':
        case 'setLobbyData':
          return (...args: unknown[]) => {
            acts.push(String(property));
            return fn.apply(target, args);
          };
        default:
          return fn.bind(target);
      }
    },
  }) as Backend;
  const machineEvents: Injected['machineEvents'] = [];
  const runtime = createLobbyRuntime({
    backend,
    clock: w.sim.clock,
    ...options,
    inspect: (e) => {
      if (e.type === '@xstate.event' && e.actorRef.sessionId === e.rootId) machineEvents.push(e.event as { type: string; lobbyId?: unknown });
    },
  });
  ours.push(runtime);
  const lifecycle: LifecycleEvent[] = [];
  const errors: LobbyRuntimeError[] = [];
  const chat: ChatMessage[] = [];
  runtime.lifecycle$.subscribe((e) => lifecycle.push(e));
  runtime.errors$.subscribe((e) => errors.push(e));
  runtime.chat$.subscribe((m) => chat.push(m));
  const me: Injected = {
    runtime,
    lifecycle,
    errors,
    chat,
    machineEvents,
    acts,
    answers,
    paused: false,
    drained: () => drained,
    inject: (...events) => queue.push(...events),
  };
  w.everyFrame(() => me.paused || runtime.tick());
  return me;
}

interface Stage {
  readonly w: RuntimeWorld;
  readonly host: Player;
  readonly other: Player;
  readonly me: Injected;
  readonly lobbyId: bigint;
}

/**
 * The host's lobby with us (injected) and one other member in it, all connected; with `entryOnly`, only until we
 * entered (with the answers `before` sets, the members may never all connect).
 */
async function stage(
  options: Partial<LobbyRuntimeOptions> = {},
  before?: (me: Injected) => void,
  { seed = 11, entryOnly = false }: { seed?: number; entryOnly?: boolean } = {},
): Promise<Stage> {
  const w = createRuntimeWorld('simulated', seed);
  world = w;
  const host = w.player(0);
  const lobbyId = await hostLobby(w, host);
  const other = w.player(2);
  void other.runtime.joinLobby(lobbyId);
  expect(await w.runUntil(() => host.runtime.members().length === 2 && host.runtime.allConnected(), 10_000)).toBe(true);
  const me = injected(w, options);
  before?.(me);
  void me.runtime.joinLobby(lobbyId);
  const ready = entryOnly
    ? () => me.lifecycle.some((e) => e.type === 'lifecycle.entered')
    : () => me.runtime.members().length === 3 && me.runtime.allConnected();
  expect(await w.runUntil(ready, 10_000)).toBe(true);
  return { w, host, other, me, lobbyId };
}

const ids = (runtime: LobbyRuntime): bigint[] => runtime.members().map((m) => m.id).sort();
const notice = (n: ChatNotice): Uint8Array => encodeChatNotice(n);

describe('events about another lobby', () => {
  it('never reach the machines or the game: data updates, chat, a member leaving, a kick', async () => {
    const { w, host, other, me, lobbyId } = await stage();
    const before = ids(me.runtime);
    const stranger = w.player(5);
    const elsewhere = await hostLobby(w, stranger);
    // Steam's owner of a lobby we only know of (as after RequestLobbyData): someone who is not our owner.
    me.answers.owner = (id) => (id === elsewhere ? stranger.id : undefined);
    const seen = me.machineEvents.length;
    me.inject(
      { type: 'lobbyDataUpdate', lobbyId: elsewhere, memberId: elsewhere, success: true },
      { type: 'lobbyDataUpdate', lobbyId: elsewhere, memberId: stranger.id, success: true },
      { type: 'lobbyDataUpdate', lobbyId: elsewhere, memberId: elsewhere, success: false },
      { type: 'lobbyChatMessage', lobbyId: elsewhere, from: stranger.id, bytes: text('hello from elsewhere') },
      // A member of ours leaving another lobby (Steam's k_EChatMemberStateChangeLeft, 0x2) leaves ours as it was.
      { type: 'lobbyChatUpdate', lobbyId: elsewhere, changed: other.id, changedBy: other.id, state: 0x2 },
      { type: 'lobbyKicked', lobbyId: elsewhere, by: stranger.id, dueToDisconnect: false },
    );
    await w.run(500);
    expect(me.machineEvents.slice(seen).filter((e) => e.lobbyId === elsewhere || (e as { memberId?: bigint }).memberId === ME)).toEqual([]);
    expect(me.chat).toEqual([]);
    expect(me.runtime.lobbyState()).toMatchObject({ status: 'joined', lobbyId, ownerId: host.id });
    expect(me.runtime.members().filter((m) => m.isOwner).map((m) => m.id)).toEqual([host.id]);
    expect(me.lifecycle.filter((e) => e.type === 'lifecycle.left')).toEqual([]);
    expect(ids(me.runtime)).toEqual(before);
  });
});

describe('our lobby', () => {
  it('a failed data update of our lobby: it is gone, and we are out of it', async () => {
    const { w, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyDataUpdate', lobbyId, memberId: lobbyId, success: false });
    await w.run(100);
    const left = me.lifecycle.filter((e) => e.type === 'lifecycle.left');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ lobbyId, reason: { code: 'lobby-gone' } });
    expect(me.runtime.lobbyState().status).toBe('idle');
  });

  it('a chat line is its bytes up to the first NUL, even when that is the first byte', async () => {
    const { w, other, me, lobbyId } = await stage();
    me.inject(
      { type: 'lobbyChatMessage', lobbyId, from: other.id, bytes: new Uint8Array([0, ...text('hidden')]) },
      { type: 'lobbyChatMessage', lobbyId, from: other.id, bytes: new Uint8Array([...text('seen'), 0, ...text('hidden')]) },
    );
    await w.run(100);
    expect(me.chat.map((m) => [m.from, m.text])).toEqual([
      [other.id, ''],
      [other.id, 'seen'],
    ]);
  });

  it('our own chat line carries our name even while Steam has sent no persona (personaName says [unknown])', async () => {
    const { w, me, lobbyId } = await stage();
    // The Backend contract: personaName is '[unknown]' until Steam sent the persona; localUserName is ours.
    me.answers.persona = () => '[unknown]';
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: ME, bytes: text('me') });
    await w.run(100);
    expect(me.chat.map((m) => [m.from, m.name, m.text])).toEqual([[ME, 'player1', 'me']]);
  });

  it('member-state bits that name no change are counted and change nothing', async () => {
    const { w, other, me, lobbyId } = await stage();
    const before = ids(me.runtime);
    me.inject(
      { type: 'lobbyChatUpdate', lobbyId, changed: other.id, changedBy: other.id, state: 0 },
      { type: 'lobbyChatUpdate', lobbyId, changed: other.id, changedBy: other.id, state: 0x20 },
    );
    await w.run(100);
    expect(me.runtime.stats().unknownMemberChanges).toBe(2);
    expect(ids(me.runtime)).toEqual(before);
  });

  it('a member who enters after us is listed at once, not away (LobbyMember.away: only Steam dropping them sets it)', async () => {
    const { w, host, other, me, lobbyId } = await stage();
    const late = w.player(4);
    void late.runtime.joinLobby(lobbyId);
    expect(await w.runUntil(() => me.runtime.members().length === 4, 5_000)).toBe(true);
    expect(me.runtime.members().map((m) => [m.id, m.away]).sort()).toEqual([[host.id, false], [other.id, false], [late.id, false], [ME, false]].sort());
  });

  it("Steam's nil owner (0) read as a member leaves is no owner: the one we know stays", async () => {
    const { w, host, other, me, lobbyId } = await stage();
    me.answers.owner = () => 0n;
    me.inject({ type: 'lobbyChatUpdate', lobbyId, changed: other.id, changedBy: other.id, state: 0x2 });
    await w.run(100);
    expect(ids(me.runtime)).toEqual([host.id, ME].sort());
    expect(me.runtime.lobbyState()).toMatchObject({ status: 'joined', ownerId: host.id });
    expect(me.runtime.members().filter((m) => m.isOwner).map((m) => m.id)).toEqual([host.id]);
    expect(me.lifecycle.filter((e) => e.type === 'lifecycle.ownerChanged')).toEqual([]);
  });

  it('without seat reservation a member Steam drops is gone at once, what it sent before delivered', async () => {
    const { w, host, other, me, lobbyId } = await stage({ timing: { lobby: { seatReservationMs: 0 } } });
    const received: unknown[] = [];
    me.runtime.messages(1).subscribe((m) => received.push(m.value));
    // We are busy while its last words arrive; the drop is read in the same tick as they are.
    me.paused = true;
    other.runtime.send(ME, { last: 'words' }, { channel: 1 });
    await w.run(500);
    me.inject({ type: 'lobbyChatUpdate', lobbyId, changed: other.id, changedBy: other.id, state: 0x4 });
    me.paused = false;
    await w.run(50);
    expect(ids(me.runtime)).toEqual([host.id, ME].sort());
    expect(received).toEqual([{ last: 'words' }]);
  });

  it.each([
    ['dropped us', 0x4],
    ['says we left', 0x2],
  ])('Steam %s: back in the lobby, we are in our member list once, not away', async (_what, state) => {
    const { w, host, other, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyChatUpdate', lobbyId, changed: ME, changedBy: ME, state });
    await w.run(50);
    expect(await w.runUntil(() => me.runtime.lobbyState().status === 'joined' && me.runtime.allConnected(), 10_000)).toBe(true);
    expect(ids(me.runtime)).toEqual([host.id, other.id, ME].sort());
    expect(me.runtime.members().filter((m) => m.isSelf)).toMatchObject([{ id: ME, away: false }]);
  });

  it('backendEvents counts every event the backend handed out', async () => {
    const { w, other, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: other.id, bytes: text('x') }, { type: 'serversConnected' });
    await w.run(100);
    expect(me.drained()).toBeGreaterThan(2);
    expect(me.runtime.stats().backendEvents).toBe(me.drained());
  });
});

describe('kick and ban notices', () => {
  it('a malformed notice is refused and counted, never shown as chat', async () => {
    const { w, host, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: host.id, bytes: new Uint8Array([0, 0x4c, 0x4b, 1, 1, 0]) });
    await w.run(100);
    expect(me.runtime.stats()).toMatchObject({ chatNotices: 0, chatNoticesRefused: 1 });
    expect(me.chat).toEqual([]);
  });

  it('a kick notice from a member who is not the owner is refused: nobody is kicked', async () => {
    const { w, host, other, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: other.id, bytes: notice({ kind: 'expel', target: host.id, ban: false }) });
    await w.run(100);
    expect(me.runtime.stats()).toMatchObject({ chatNotices: 1, chatNoticesRefused: 1 });
    expect(ids(me.runtime)).toEqual([host.id, other.id, ME].sort());
  });

  it.each([false, true])('the owner kicks (ban: %s) a member who ignores it: out of our members, packets and sessions', async (ban) => {
    const { w, host, other, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: host.id, bytes: notice({ kind: 'expel', target: other.id, ban }) });
    await w.run(50);
    expect(me.runtime.stats()).toMatchObject({ chatNotices: 1, chatNoticesRefused: 0 });
    expect(ids(me.runtime)).toEqual([host.id, ME].sort());
    // Still in Steam's lobby (it ignored the notice): its session request is refused as expelled.
    me.inject({ type: 'p2pSessionRequest', remote: other.id });
    await w.run(50);
    expect(me.errors.filter((e) => e.kind === 'session-refused')).toMatchObject([{ remoteId: other.id, code: 'expelled' }]);
    // The same notice again (the owner's own, coming back) changes nothing more.
    const events = me.machineEvents.length;
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: host.id, bytes: notice({ kind: 'expel', target: other.id, ban }) });
    await w.run(50);
    expect(me.machineEvents.slice(events).filter((e) => e.type === 'member.changed')).toEqual([]);
  });

  it('a member who is not the owner never kicks an expelled user who comes back', async () => {
    const { w, host, other, me, lobbyId } = await stage();
    me.inject({ type: 'lobbyChatMessage', lobbyId, from: host.id, bytes: notice({ kind: 'expel', target: other.id, ban: false }) });
    await w.run(50);
    me.inject({ type: 'lobbyChatUpdate', lobbyId, changed: other.id, changedBy: other.id, state: 0x1 });
    await w.run(50);
    expect(me.runtime.stats().expelledRejoins).toBe(1);
    expect(ids(me.runtime)).toEqual([host.id, ME].sort());
    expect(me.acts).toEqual([]);
  });
});

describe('entering', () => {
  it('the members on entry leave out whoever the owner has published as expelled', async () => {
    const other = userId(2);
    const { me, host } = await stageEntry((i) => {
      i.answers.data = (_lobby, key) => (key === EXPELLED_LOBBY_DATA_KEY ? formatExpelled([other]) : undefined);
    });
    const entered = me.lifecycle.filter((e) => e.type === 'lifecycle.entered');
    expect(entered).toHaveLength(1);
    expect([...(entered[0] as Extract<LifecycleEvent, { type: 'lifecycle.entered' }>).members].sort()).toEqual([host.id, ME].sort());
  });

  it('a published list that names us (kicked once, let back in by Steam) still leaves us among the members on entry', async () => {
    const other = userId(2);
    const { me, host } = await stageEntry((i) => {
      i.answers.data = (_lobby, key) => (key === EXPELLED_LOBBY_DATA_KEY ? formatExpelled([ME, other]) : undefined);
    });
    const entered = me.lifecycle.filter((e) => e.type === 'lifecycle.entered');
    expect(entered).toHaveLength(1);
    expect([...(entered[0] as Extract<LifecycleEvent, { type: 'lifecycle.entered' }>).members].sort()).toEqual([host.id, ME].sort());
  });

  it("Steam's nil owner (0) on entry is no owner", async () => {
    const { me } = await stageEntry((i) => {
      i.answers.owner = () => 0n;
    });
    const entered = me.lifecycle.filter((e) => e.type === 'lifecycle.entered');
    expect(entered).toHaveLength(1);
    expect((entered[0] as Extract<LifecycleEvent, { type: 'lifecycle.entered' }>).ownerId).toBeUndefined();
    expect(me.runtime.members().filter((m) => m.isOwner)).toEqual([]);
  });
});

/** As `stage`, but only until we entered. */
const stageEntry = (before: (me: Injected) => void): Promise<Stage> => stage({}, before, { seed: 13, entryOnly: true });

