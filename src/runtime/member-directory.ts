/**
 * Who is in our lobby, as the game sees them and as the data plane admits them: members, names, sessions, held
 * seats, and who is kept out.
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import type { PeerStatus } from '../machines/session.machine.js';
import type { PeerWire } from './peer-wire.js';

/** A member of the current lobby, as the game sees it. */
export interface LobbyMember {
  readonly id: bigint;
  /**
   * Steam persona name; '[unknown]' until Steam sends it, then updated (the list is published again); '' when the
   * backend threw reading it (reported on errors$).
   */
  readonly name: string;
  readonly isSelf: boolean;
  readonly isOwner: boolean;
  /** Our P2P session with this member ('self' for ourselves). */
  readonly session: PeerStatus | 'self';
  /** Steam dropped this member and their seat is held while they rejoin (their packets still count). */
  readonly away: boolean;
}

/** Per-member state the data plane touches on every packet: found with the same lookup that admits the packet. */
export interface PeerSlot {
  readonly id: bigint;
  /** Clock time of the last valid frame from this member (-Infinity: none yet). */
  lastHeard: number;
  /** Clock time of the last reliable frame we sent this member (-Infinity: none yet): a busy link needs no heartbeat. */
  lastSent: number;
  /** The backend's route to this member (see P2PRoutes), once it has handed one out. */
  route: number | undefined;
  /** What this member speaks (peer-wire.ts): undefined until its member data or its first packet shows it. */
  wire: PeerWire | undefined;
  /** True for members who were in the lobby when we entered: we open the handshake to them, as a tutorial joiner does. */
  readonly opens: boolean;
}

/**
 * Who is in our lobby right now, with names and session status. It is also the data plane's gate: one Map lookup
 * in `gate` admits a packet (or a send) and finds the member's slot. Members kicked or banned from this lobby are
 * "expelled": their packets and session requests are refused, and they are not admitted again, until we leave the
 * lobby.
 *
 * Changes mark the list dirty; `publish()` (once per tick, and after commands) emits one new array, so 250 members
 * entering in one tick cost one list, not 250.
 */
export class MemberDirectory {
  private lobby: bigint | undefined;
  private owner: bigint | undefined;
  /**
   * Each member as the game sees it. An entry is never changed, only replaced, so the list `publish()` hands out
   * holds these very objects (one per member, not a copy per list) and stays as it was published.
   */
  private readonly entries = new Map<bigint, LobbyMember>();
  /** Remote members, not expelled: the data plane's gate (one Map lookup admits a packet and finds its slot). */
  private readonly remote = new Map<bigint, PeerSlot>();
  /** The gate's slots as an array, replaced (never changed in place) on each change: a broadcast loops over it. */
  private slotList: readonly PeerSlot[] = [];
  private readonly expelledIds = new Set<bigint>();
  private dirty = false;
  private readonly subject = new BehaviorSubject<readonly LobbyMember[]>([]);

  constructor(
    private readonly selfId: bigint,
    /** undefined: the backend could not say (and that was reported). */
    private readonly nameOf: (id: bigint) => string | undefined,
    /** A member showed its wire for the first time (what was held for it can go now). */
    private readonly wireShown: (slot: PeerSlot) => void,
  ) {}

  get members$(): Observable<readonly LobbyMember[]> {
    return this.subject.asObservable();
  }

  get lobbyId(): bigint | undefined {
    return this.lobby;
  }

  get ownerId(): bigint | undefined {
    return this.owner;
  }

  /** The current list (what `members$` last published, or newer if unpublished changes exist). */
  list(): readonly LobbyMember[] {
    if (this.dirty) this.publish();
    return this.subject.getValue();
  }

  /** Remote member ids that may receive our messages. */
  remoteIds(): IterableIterator<bigint> {
    return this.remote.keys();
  }

  /** The gate itself, for the data plane's hot loop. */
  get gate(): ReadonlyMap<bigint, PeerSlot> {
    return this.remote;
  }

  /**
   * The gate's slots, for sending to everyone without a Map iterator and an entry pair per member. A change makes
   * a new array, so a loop over the one it got is not disturbed by a member leaving meanwhile, and the array is the
   * gate's version: the router trusts a slot it kept on a transport's SenderMemo only under the same array.
   */
  get slots(): readonly PeerSlot[] {
    return this.slotList;
  }

  /** Whether our P2P session with this member is up. */
  isConnected(id: bigint): boolean {
    return this.entries.get(id)?.session === 'connected';
  }

  /** Everyone kicked or banned from this lobby that we know of, by their latest kick or ban, oldest first. */
  get expelled(): readonly bigint[] {
    return [...this.expelledIds];
  }

  isExpelled(id: bigint): boolean {
    return this.expelledIds.has(id);
  }

  has(id: bigint): boolean {
    return this.entries.has(id);
  }

  /**
   * Our own entry: the members already there, with the wire each declared (undefined: not declared), and who the
   * owner says was expelled before we came (kept out like those we see expelled).
   */
  enter(
    lobbyId: bigint,
    memberIds: readonly bigint[],
    ownerId: bigint | undefined,
    declared: (id: bigint) => PeerWire | undefined,
    expelled: readonly bigint[] = [],
  ): void {
    this.clear();
    this.lobby = lobbyId;
    this.owner = ownerId;
    for (const id of expelled) if (id !== this.selfId) this.expelledIds.add(id);
    this.add(this.selfId);
    for (const id of memberIds) this.add(id, declared(id), true);
  }

  /** Adds a member; false (and nothing changes) for someone expelled from this lobby. */
  add(id: bigint, wire: PeerWire | undefined = undefined, opens = false): boolean {
    if (this.expelledIds.has(id)) return false;
    if (this.entries.has(id)) return true;
    const isSelf = id === this.selfId;
    this.entries.set(id, { id, name: this.nameOf(id) ?? '', isSelf, isOwner: id === this.owner, session: isSelf ? 'self' : 'connecting', away: false });
    if (!isSelf) {
      const slot: PeerSlot = { id, lastHeard: -Infinity, lastSent: -Infinity, route: undefined, wire, opens };
      this.remote.set(id, slot);
      this.slotList = [...this.slotList, slot];
    }
    this.dirty = true;
    return true;
  }

  remove(id: bigint): void {
    if (!this.entries.delete(id)) return;
    if (this.remote.delete(id)) this.slotList = this.slotList.filter((slot) => slot.id !== id);
    this.dirty = true;
  }

  /**
   * A member's lobby member data declared its wire: taken only while nothing showed it yet (a wire never changes).
   * True when it was taken.
   */
  declare(id: bigint, wire: PeerWire): boolean {
    const slot = this.remote.get(id);
    return slot !== undefined && this.showWire(slot, wire);
  }

  /** The one way a member's wire is set: once, by its declaration or its first packet. True when it was set now. */
  showWire(slot: PeerSlot, wire: PeerWire): boolean {
    if (slot.wire !== undefined) return false;
    slot.wire = wire;
    this.wireShown(slot);
    return true;
  }

  /** Kicked or banned: out, and kept out until we leave this lobby. */
  expel(id: bigint): void {
    // Kicked again counts as newest: a full published list leaves out the oldest, and whoever comes back is the one to keep.
    this.expelledIds.delete(id);
    this.expelledIds.add(id);
    this.remove(id);
  }

  rename(id: bigint): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    const name = this.nameOf(id);
    // An unreadable new name leaves the one we had, rather than blanking it.
    if (name === undefined || name === entry.name) return;
    this.replace({ ...entry, name });
  }

  setSession(id: bigint, session: PeerStatus): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.session === session || entry.session === 'self') return;
    this.replace({ ...entry, session });
  }

  /** Seat held (Steam dropped them) or given back; they stay in the gate either way. */
  setAway(id: bigint, away: boolean): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.away === away) return;
    this.replace({ ...entry, away });
  }

  /** Remote members (not ourselves) of the list. */
  remoteMemberIds(): bigint[] {
    return [...this.remote.keys()];
  }

  /** undefined while we are out of the lobby reconnecting: nobody is owner as far as we can tell. */
  setOwner(ownerId: bigint | undefined): void {
    if (this.owner === ownerId) return;
    this.owner = ownerId;
    this.dirty = true;
  }

  clear(): void {
    if (this.lobby === undefined && this.entries.size === 0) return;
    this.lobby = undefined;
    this.owner = undefined;
    this.entries.clear();
    this.remote.clear();
    this.slotList = [];
    this.expelledIds.clear();
    this.dirty = true;
  }

  publish(): void {
    if (!this.dirty) return;
    const list: LobbyMember[] = [];
    for (const entry of this.entries.values()) {
      const isOwner = entry.id === this.owner;
      list.push(entry.isOwner === isOwner ? entry : this.replace({ ...entry, isOwner }));
    }
    // After the loop: bringing owner flags up to date is part of this list, not a change for the next one.
    this.dirty = false;
    this.subject.next(list);
  }

  private replace(entry: LobbyMember): LobbyMember {
    this.entries.set(entry.id, entry);
    this.dirty = true;
    return entry;
  }

  complete(): void {
    this.subject.complete();
  }
}
