/**
 * The member directory's contract, from its doc comments and the LobbyMember / PeerSlot fields: who is listed and
 * how, when a new list is published (a change marks the list dirty; `publish()` emits one new array for the changes
 * since the last one, and nothing when there were none), who is kept out, and the gate's slots.
 */
import { describe, expect, it } from 'vitest';
import { MemberDirectory, type LobbyMember, type PeerSlot } from '../src/runtime/member-directory.js';
import { heardWithin } from '../src/runtime/liveness.js';
import { LOBBYKIT_WIRE, tutorialWire } from '../src/runtime/peer-wire.js';

const TUTORIAL_WIRE = tutorialWire(4, false);

const SELF = 76561198000000001n;
const A = 76561198000000002n;
const B = 76561198000000003n;
const C = 76561198000000004n;
const LOBBY = 109775240000000001n;

function directory(names: ReadonlyMap<bigint, string | undefined> = new Map()) {
  const shown: PeerSlot[] = [];
  const dir = new MemberDirectory(SELF, (id) => (names.has(id) ? names.get(id) : `user ${id}`), (slot) => void shown.push(slot));
  const published: (readonly LobbyMember[])[] = [];
  dir.members$.subscribe((list) => published.push(list));
  return { dir, published, shown };
}

describe('MemberDirectory: one list per batch of changes, and none without a change', () => {
  it('publishes nothing new before anything changed, nor when publish() is called again with no change', () => {
    const { dir, published } = directory();
    dir.publish();
    dir.publish();
    expect(published).toEqual([[]]);
    expect(dir.list()).toEqual([]);
    expect(published).toHaveLength(1);
  });

  it('list() is the newer list while changes are unpublished', () => {
    const { dir } = directory();
    dir.enter(LOBBY, [A], A, () => undefined);
    expect(dir.list().map((m) => m.id)).toEqual([SELF, A]);
    dir.remove(A);
    expect(dir.list().map((m) => m.id)).toEqual([SELF]);
  });

  it('an owner change is one new list with the new flags, and the ticks after it publish nothing', () => {
    const { dir, published } = directory();
    dir.enter(LOBBY, [A, B], A, () => undefined);
    dir.publish();
    const before = published.length;
    dir.setOwner(B);
    dir.publish();
    dir.publish();
    dir.publish();
    expect(published).toHaveLength(before + 1);
    expect(published.at(-1)!.map((m) => [m.id, m.isOwner])).toEqual([[SELF, false], [A, false], [B, true]]);
    // The same owner again is no change.
    dir.setOwner(B);
    dir.publish();
    expect(published).toHaveLength(before + 1);
  });

  it('adding members is one new list with each owner flag right, and the ticks after it publish nothing', () => {
    const { dir, published } = directory();
    dir.enter(LOBBY, [A], A, () => undefined);
    dir.add(B);
    dir.publish();
    dir.publish();
    dir.publish();
    expect(published).toHaveLength(2);
    expect(published[1]!.map((m) => [m.id, m.isOwner])).toEqual([[SELF, false], [A, true], [B, false]]);
  });

  it('a rename, session or seat set to what it already is publishes nothing', () => {
    const names = new Map<bigint, string | undefined>([[A, 'alice']]);
    const { dir, published } = directory(names);
    dir.enter(LOBBY, [A], SELF, () => undefined);
    dir.setSession(A, 'connected');
    dir.setAway(A, true);
    dir.publish();
    const before = published.length;
    dir.rename(A);
    dir.setSession(A, 'connected');
    dir.setAway(A, true);
    dir.publish();
    expect(published).toHaveLength(before);
    // A real change of each is published, once per tick.
    names.set(A, 'alicia');
    dir.rename(A);
    dir.setSession(A, 'closed');
    dir.setAway(A, false);
    dir.publish();
    dir.publish();
    expect(published).toHaveLength(before + 1);
    expect(published.at(-1)!.find((m) => m.id === A)).toMatchObject({ name: 'alicia', session: 'closed', away: false });
  });

  it('an unreadable new name keeps the one we had', () => {
    const names = new Map<bigint, string | undefined>([[A, 'alice']]);
    const { dir } = directory(names);
    dir.enter(LOBBY, [A], SELF, () => undefined);
    names.set(A, undefined);
    dir.rename(A);
    expect(dir.list().find((m) => m.id === A)?.name).toBe('alice');
  });

  it('clearing a directory that holds nothing publishes nothing', () => {
    const { dir, published } = directory();
    dir.clear();
    dir.publish();
    expect(published).toHaveLength(1);
    dir.enter(LOBBY, [A], SELF, () => undefined);
    dir.clear();
    dir.publish();
    const before = published.length;
    dir.clear();
    dir.publish();
    expect(published).toHaveLength(before);
  });
});

describe('MemberDirectory: who is listed, and how', () => {
  it('lists ourselves as self and the others connecting, none away, even when the owner names us as expelled', () => {
    const { dir } = directory();
    dir.enter(LOBBY, [A], A, () => undefined, [SELF, B]);
    expect(dir.list()).toEqual([
      { id: SELF, name: `user ${SELF}`, isSelf: true, isOwner: false, session: 'self', away: false },
      { id: A, name: `user ${A}`, isSelf: false, isOwner: true, session: 'connecting', away: false },
    ]);
    expect(dir.isExpelled(SELF)).toBe(false);
    expect(dir.isExpelled(B)).toBe(true);
  });

  it('add: false for someone expelled (nothing changes), true for a member already listed', () => {
    const { dir } = directory();
    dir.enter(LOBBY, [A], SELF, () => undefined);
    dir.expel(B);
    expect(dir.add(B)).toBe(false);
    expect(dir.has(B)).toBe(false);
    expect(dir.add(A)).toBe(true);
    expect(dir.add(C)).toBe(true);
    expect(dir.list().map((m) => m.id)).toEqual([SELF, A, C]);
  });

  it('our own session stays self whatever a session event says', () => {
    const { dir } = directory();
    dir.enter(LOBBY, [A], SELF, () => undefined);
    dir.setSession(SELF, 'connected');
    expect(dir.list().find((m) => m.isSelf)?.session).toBe('self');
  });

  it('a member just added has not been heard from within any window', () => {
    const { dir } = directory();
    dir.enter(LOBBY, [A], SELF, () => undefined);
    const slot = dir.gate.get(A)!;
    expect(slot.lastHeard).toBe(-Infinity);
    expect(heardWithin(slot.lastHeard, 0, 10_000)).toBe(false);
  });

  it('a member who leaves is out of the slots, and only that member', () => {
    const { dir } = directory();
    dir.enter(LOBBY, [A, B, C], SELF, () => undefined);
    dir.remove(B);
    expect(dir.slots.map((s) => s.id)).toEqual([A, C]);
    dir.expel(A);
    expect(dir.slots.map((s) => s.id)).toEqual([C]);
  });

  it('clear() empties a directory whose members were added outside a lobby, and one whose members all left', () => {
    const { dir } = directory();
    dir.add(A);
    dir.clear();
    expect(dir.list()).toEqual([]);
    expect(dir.gate.size).toBe(0);
    dir.enter(LOBBY, [], SELF, () => undefined);
    dir.remove(SELF);
    dir.clear();
    expect(dir.lobbyId).toBeUndefined();
    expect(dir.ownerId).toBeUndefined();
  });
});

describe('MemberDirectory: a wire is set once', () => {
  it('takes the first wire shown, tells it once, and refuses a second', () => {
    const { dir, shown } = directory();
    dir.enter(LOBBY, [A], SELF, () => undefined);
    expect(dir.declare(A, LOBBYKIT_WIRE)).toBe(true);
    expect(dir.declare(A, TUTORIAL_WIRE)).toBe(false);
    expect(dir.showWire(dir.gate.get(A)!, TUTORIAL_WIRE)).toBe(false);
    expect(dir.gate.get(A)!.wire).toBe(LOBBYKIT_WIRE);
    expect(shown.map((s) => s.id)).toEqual([A]);
  });

  it('completes members$ when completed', () => {
    const { dir } = directory();
    let completed = false;
    dir.members$.subscribe({ complete: () => void (completed = true) });
    dir.complete();
    expect(completed).toBe(true);
  });
});
