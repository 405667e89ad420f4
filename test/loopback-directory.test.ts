import { describe, expect, it } from 'vitest';
import { ChatMemberStateChange, CreateLobbyResult, EnterResponse, LobbyType, type LobbyListFilters, type NumericComparison } from '../src/effects/backend.js';
import { eventFromWire, type ServerMessage } from '../src/effects/loopback/server-messages.js';
import { LobbyDirectory, type Outgoing } from '../src/loopback-server/directory.js';

/** The events (ids back to bigints) each recipient got, in order. */
function eventsFor(out: readonly Outgoing[], to: bigint): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [];
  for (const item of out) {
    if (item.to !== to || !('message' in item) || item.message.t !== 'update') continue;
    for (const wire of item.message.events) list.push(eventFromWire(wire)!);
  }
  return list;
}

function errorsFor(out: readonly Outgoing[], to: bigint): Extract<ServerMessage, { t: 'error' }>[] {
  return out.flatMap((item) => (item.to === to && 'message' in item && item.message.t === 'error' ? [item.message] : []));
}

function setup(names: readonly string[]) {
  const dir = new LobbyDirectory();
  const ids = names.map((n) => dir.register(n));
  const create = (owner: bigint, type: LobbyType = LobbyType.public, max = 4): bigint => {
    const out = dir.handle(owner, { op: 'createLobby', lobbyType: type, maxMembers: max });
    const created = eventsFor(out, owner).find((e) => e.type === 'lobbyCreated')!;
    return created.lobbyId as bigint;
  };
  const join = (user: bigint, lobbyId: bigint) => {
    const out = dir.handle(user, { op: 'joinLobby', lobbyId });
    const entered = eventsFor(out, user).find((e) => e.type === 'lobbyEntered');
    return { out, response: entered?.response as number };
  };
  return { dir, ids, create, join };
}

describe('loopback directory: entering a lobby gives Steam’s responses', () => {
  it('answers doesn’t exist, full, banned, not allowed and locked with their own codes', () => {
    // One owner per lobby: Steam lets a user be in one regular lobby at a time.
    const { dir, ids, create, join } = setup(['o1', 'o2', 'o3', 'o4', 'a', 'b', 'c']);
    const [o1, o2, o3, o4, a, b, c] = ids as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    expect(join(a, 0x0186_0000_0000_9999n).response).toBe(EnterResponse.doesntExist);

    const small = create(o1, LobbyType.public, 2);
    expect(join(a, small).response).toBe(EnterResponse.success);
    expect(join(b, small).response).toBe(EnterResponse.full);

    const open = create(o2);
    expect(join(b, open).response).toBe(EnterResponse.success);
    dir.handle(o2, { op: 'ban', lobbyId: open, memberId: b });
    expect(join(b, open).response).toBe(EnterResponse.banned);

    const priv = create(o3, LobbyType.private);
    const friends = create(o4, LobbyType.friendsOnly);
    expect(join(c, priv).response).toBe(EnterResponse.notAllowed);
    expect(join(c, friends).response).toBe(EnterResponse.notAllowed);
    dir.handle(o3, { op: 'invite', lobbyId: priv, userId: c });
    expect(join(c, priv).response).toBe(EnterResponse.success);

    dir.handle(o2, { op: 'setLobbyJoinable', lobbyId: open, joinable: false });
    dir.handle(c, { op: 'leaveLobby', lobbyId: priv });
    expect(join(c, open).response).toBe(EnterResponse.clanDisabled);
  });

  it('tells the members already inside, and only them, that someone entered', () => {
    const { ids, create, join } = setup(['owner', 'a', 'b']);
    const [owner, a, b] = ids as [bigint, bigint, bigint];
    const lobby = create(owner);
    join(a, lobby);
    const { out } = join(b, lobby);
    for (const member of [owner, a]) {
      expect(eventsFor(out, member)).toEqual([{ type: 'lobbyChatUpdate', lobbyId: lobby, changed: b, changedBy: b, state: ChatMemberStateChange.entered }]);
    }
    expect(eventsFor(out, b).map((e) => e.type)).toEqual(['lobbyEntered']);
  });
});

describe('loopback directory: owners, data and removal', () => {
  it('hands the lobby to the longest-standing member when the owner goes, and says so', () => {
    const { dir, ids, create, join } = setup(['owner', 'a', 'b']);
    const [owner, a, b] = ids as [bigint, bigint, bigint];
    const lobby = create(owner);
    join(a, lobby);
    join(b, lobby);
    const out = dir.remove(owner, 'disconnected');
    const seenByB = eventsFor(out, b);
    expect(seenByB).toEqual([
      { type: 'lobbyChatUpdate', lobbyId: lobby, changed: owner, changedBy: owner, state: ChatMemberStateChange.disconnected },
      { type: 'lobbyDataUpdate', lobbyId: lobby, memberId: lobby, success: true },
    ]);
    const view = out.find((o) => o.to === b && 'message' in o && o.message.t === 'update')!;
    expect('message' in view && view.message.t === 'update' && view.message.lobbies?.[0]?.owner).toBe(String(a));
    // The new owner may now write lobby data; the old one is gone from the service.
    expect(errorsFor(dir.handle(a, { op: 'setLobbyData', lobbyId: lobby, key: 'k', value: 'v' }), a)).toEqual([]);
    expect(dir.hasUser(owner)).toBe(false);
  });

  it('refuses lobby data from a non-owner and member data from a non-member, each with its reason', () => {
    const { dir, ids, create, join } = setup(['owner', 'a', 'b']);
    const [owner, a, b] = ids as [bigint, bigint, bigint];
    const lobby = create(owner);
    join(a, lobby);
    expect(errorsFor(dir.handle(a, { op: 'setLobbyData', lobbyId: lobby, key: 'k', value: 'v' }), a)[0]?.code).toBe('not-owner');
    expect(errorsFor(dir.handle(b, { op: 'setLobbyMemberData', lobbyId: lobby, key: 'k', value: 'v' }), b)[0]?.code).toBe('not-a-member');
    const out = dir.handle(a, { op: 'setLobbyMemberData', lobbyId: lobby, key: 'ready', value: '1' });
    expect(eventsFor(out, owner)).toEqual([{ type: 'lobbyDataUpdate', lobbyId: lobby, memberId: a, success: true }]);
  });

  it('kicks a member: the member is told it was kicked, the others see the kicked bit from the owner', () => {
    const { dir, ids, create, join } = setup(['owner', 'a', 'b']);
    const [owner, a, b] = ids as [bigint, bigint, bigint];
    const lobby = create(owner);
    join(a, lobby);
    join(b, lobby);
    const out = dir.handle(owner, { op: 'kick', lobbyId: lobby, memberId: a });
    expect(eventsFor(out, a)).toEqual([{ type: 'lobbyKicked', lobbyId: lobby, by: owner, dueToDisconnect: false }]);
    expect(eventsFor(out, b)).toEqual([{ type: 'lobbyChatUpdate', lobbyId: lobby, changed: a, changedBy: owner, state: ChatMemberStateChange.kicked }]);
    expect(dir.membersOf(lobby)).toEqual([owner, b]);
    // A kick is not a ban: the member may come back.
    expect(join(a, lobby).response).toBe(EnterResponse.success);
  });

  it('refuses chat above 4 KB and from non-members, and relays the rest to every member', () => {
    const { dir, ids, create, join } = setup(['owner', 'a', 'outsider']);
    const [owner, a, outsider] = ids as [bigint, bigint, bigint];
    const lobby = create(owner);
    join(a, lobby);
    const frame = new Uint8Array([2]);
    expect(errorsFor(dir.chat(owner, lobby, 4097, frame), owner)[0]?.code).toBe('too-large');
    expect(errorsFor(dir.chat(outsider, lobby, 10, frame), outsider)[0]?.code).toBe('not-a-member');
    expect(dir.chat(owner, lobby, 4096, frame).map((o) => o.to)).toEqual([owner, a]);
  });
});

describe('loopback directory: the lobby list', () => {
  function listed(dir: LobbyDirectory, user: bigint, filters: LobbyListFilters): bigint[] {
    const out = dir.handle(user, { op: 'requestLobbyList', filters });
    return eventsFor(out, user)[0]!.lobbyIds as bigint[];
  }

  it('lists only public and invisible joinable lobbies, filtered by strings, the six comparisons, near, slots and count', () => {
    const { dir, ids, create, join } = setup(['o1', 'o2', 'o3', 'o4', 'seeker']);
    const [o1, o2, o3, o4, seeker] = ids as [bigint, bigint, bigint, bigint, bigint];
    const l1 = create(o1, LobbyType.public, 2);
    const l2 = create(o2, LobbyType.invisible, 8);
    const l3 = create(o3, LobbyType.private, 8);
    const l4 = create(o4, LobbyType.public, 8);
    dir.handle(o1, { op: 'setLobbyData', lobbyId: l1, key: 'level', value: '5' });
    dir.handle(o2, { op: 'setLobbyData', lobbyId: l2, key: 'level', value: '10' });
    dir.handle(o4, { op: 'setLobbyData', lobbyId: l4, key: 'level', value: '20' });
    dir.handle(o4, { op: 'setLobbyData', lobbyId: l4, key: 'mode', value: 'coop' });
    expect(listed(dir, seeker, {})).toEqual([l1, l2, l4]);
    expect(l3).toBeDefined();

    const cmp = (comparison: NumericComparison, value: number) => listed(dir, seeker, { numbers: [{ key: 'level', value, comparison }] });
    expect(cmp('<=', 10)).toEqual([l1, l2]);
    expect(cmp('<', 10)).toEqual([l1]);
    expect(cmp('==', 10)).toEqual([l2]);
    expect(cmp('>', 10)).toEqual([l4]);
    expect(cmp('>=', 10)).toEqual([l2, l4]);
    expect(cmp('!=', 10)).toEqual([l1, l4]);
    expect(listed(dir, seeker, { strings: [{ key: 'mode', value: 'coop' }] })).toEqual([l4]);
    expect(listed(dir, seeker, { near: [{ key: 'level', value: 18 }] })).toEqual([l4, l2, l1]);
    expect(listed(dir, seeker, { near: [{ key: 'level', value: 18 }], resultCount: 1 })).toEqual([l4]);
    join(seeker, l1);
    expect(listed(dir, seeker, { slotsAvailable: 1 })).toEqual([l2, l4]);
    dir.handle(o4, { op: 'setLobbyJoinable', lobbyId: l4, joinable: false });
    expect(listed(dir, seeker, { slotsAvailable: 1 })).toEqual([l2]);
  });
});

describe('loopback directory: Steam’s lobby data limits', () => {
  // Steam's rule (isteammatchmaking.h, k_nMaxLobbyKeyLength and k_cubChatMetadataMax): key ≤ 255 characters,
  // value ≤ 8,192 bytes of UTF-8. Each row's byte count is written out by hand from UTF-8's encoding widths.
  const cases: readonly { what: string; key: string; value: string; accepted: boolean }[] = [
    { what: '8,192 ASCII bytes', key: 'k', value: 'x'.repeat(8192), accepted: true },
    { what: '8,193 ASCII bytes', key: 'k', value: 'x'.repeat(8193), accepted: false },
    { what: '4,096 two-byte characters (8,192 bytes)', key: 'k', value: 'é'.repeat(4096), accepted: true },
    { what: '4,097 two-byte characters (8,194 bytes, 4,097 characters)', key: 'k', value: 'é'.repeat(4097), accepted: false },
    { what: '2,049 four-byte characters (8,196 bytes, 4,098 UTF-16 units)', key: 'k', value: '🎮'.repeat(2049), accepted: false },
    { what: '2,731 three-byte characters (8,193 bytes)', key: 'k', value: '€'.repeat(2731), accepted: false },
    { what: 'a 255-character key', key: 'k'.repeat(255), value: 'v', accepted: true },
    { what: 'a 256-character key', key: 'k'.repeat(256), value: 'v', accepted: false },
  ];

  it.each(cases)('lobby data: $what → accepted $accepted', ({ key, value, accepted }) => {
    const { dir, ids, create } = setup(['owner']);
    const [owner] = ids as [bigint];
    const lobby = create(owner);
    const errors = errorsFor(dir.handle(owner, { op: 'setLobbyData', lobbyId: lobby, key, value }), owner);
    if (accepted) expect(errors).toEqual([]);
    else expect(errors[0]).toMatchObject({ code: 'invalid-argument', op: 'setLobbyData' });
  });

  it.each(cases)('member data: $what → accepted $accepted', ({ key, value, accepted }) => {
    const { dir, ids, create, join } = setup(['owner', 'a']);
    const [owner, a] = ids as [bigint, bigint];
    const lobby = create(owner);
    join(a, lobby);
    const errors = errorsFor(dir.handle(a, { op: 'setLobbyMemberData', lobbyId: lobby, key, value }), a);
    if (accepted) expect(errors).toEqual([]);
    else expect(errors[0]).toMatchObject({ code: 'invalid-argument', op: 'setLobbyMemberData' });
  });
});

describe('loopback directory: lobbies per user', () => {
  // isteammatchmaking.h, ELobbyType: "a user can be in only one regular lobby, and up to two invisible lobbies".
  it('lets a user into one regular lobby and two invisible ones, and refuses the next with a reason', () => {
    const { dir, ids, create, join } = setup(['o1', 'o2', 'o3', 'o4', 'u']);
    const [o1, o2, o3, o4, u] = ids as [bigint, bigint, bigint, bigint, bigint];
    const publicA = create(o1, LobbyType.public);
    const publicB = create(o2, LobbyType.public);
    const invisible = [create(o3, LobbyType.invisible), create(o4, LobbyType.invisible)];

    expect(join(u, publicA).response).toBe(EnterResponse.success);
    const second = join(u, publicB);
    expect(second.response).toBe(EnterResponse.error);
    expect(errorsFor(second.out, u)[0]).toMatchObject({ code: 'lobby-limit', op: 'joinLobby' });
    expect(dir.membersOf(publicB)).toEqual([o2]);
    for (const lobby of invisible) expect(join(u, lobby).response).toBe(EnterResponse.success);

    // Creating counts the same way: EResult 25 (limit exceeded) and no lobby made.
    const before = dir.lobbyCount;
    for (const type of [LobbyType.private, LobbyType.friendsOnly, LobbyType.public, LobbyType.invisible]) {
      const out = dir.handle(u, { op: 'createLobby', lobbyType: type, maxMembers: 4 });
      expect(eventsFor(out, u)).toEqual([{ type: 'lobbyCreated', result: CreateLobbyResult.limitExceeded, lobbyId: 0n }]);
      expect(errorsFor(out, u)[0]?.code).toBe('lobby-limit');
    }
    expect(dir.lobbyCount).toBe(before);

    // Leaving makes room again; joining the lobby one is already in is not a second membership.
    expect(join(u, publicA).response).toBe(EnterResponse.success);
    dir.handle(u, { op: 'leaveLobby', lobbyId: publicA });
    expect(join(u, publicB).response).toBe(EnterResponse.success);
  });
});
