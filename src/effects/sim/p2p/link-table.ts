/**
 * What a send asks of a link on every datagram, kept in dense typed arrays indexed by link (and, for reachability
 * and faults, by user) instead of on the Link and SimUser objects. At 2,000 players there are 14,000 links, and a
 * send's first touch of its Link object went to memory; these arrays hold the same facts in about 20 B a link. Link
 * and SimUser keep their fields as accessors over this table, so everything else reads and writes them as before.
 */

/** Bits of `LinkTable.flags`. */
export const SENDER_ACCEPTED = 1;
export const RECEIVER_ACCEPTED = 2;
/** A datagram got through since the session began. */
export const OPEN = 4;
/** The link has faults of its own (`Link.faults`). */
export const OWN_FAULTS = 8;

/** The reach of a vanished user: no path leads to or from them. */
const VANISHED = -1;

function grown<T extends Uint8Array | Int32Array>(array: T, needed: number, make: (length: number) => T): T {
  if (needed <= array.length) return array;
  const bigger = make(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class LinkTable {
  flags = new Uint8Array(16);
  session = new Int32Array(16);
  /** The user index at each end. */
  from = new Int32Array(16);
  to = new Int32Array(16);
  /** Per user: their island (0 unless partitioned), or VANISHED. */
  reach = new Int32Array(16);
  /** Per user: 1 when they have faults of their own (`SimUser.faults`). */
  userFaults = new Uint8Array(16);
  private links = 0;
  private users = 0;

  get linkCount(): number {
    return this.links;
  }

  addUser(): number {
    const index = this.users++;
    this.reach = grown(this.reach, this.users, (n) => new Int32Array(n));
    this.userFaults = grown(this.userFaults, this.users, (n) => new Uint8Array(n));
    return index;
  }

  addLink(from: number, to: number): number {
    const index = this.links++;
    this.flags = grown(this.flags, this.links, (n) => new Uint8Array(n));
    this.session = grown(this.session, this.links, (n) => new Int32Array(n));
    this.from = grown(this.from, this.links, (n) => new Int32Array(n));
    this.to = grown(this.to, this.links, (n) => new Int32Array(n));
    this.from[index] = from;
    this.to[index] = to;
    return index;
  }

  has(link: number, flag: number): boolean {
    return (this.flags[link]! & flag) !== 0;
  }

  set(link: number, flag: number, on: boolean): void {
    const flags = this.flags[link]!;
    this.flags[link] = on ? flags | flag : flags & ~flag;
  }

  setReach(user: number, island: number, vanished: boolean): void {
    this.reach[user] = vanished ? VANISHED : island;
  }

  /** Neither end vanished, and both on the same island. */
  reachable(link: number): boolean {
    const a = this.reach[this.from[link]!]!;
    return a !== VANISHED && a === this.reach[this.to[link]!]!;
  }

  /** No faults on the link or on either user: the network's own latency is all there is. */
  faultless(link: number): boolean {
    return (this.flags[link]! & OWN_FAULTS) === 0 && this.userFaults[this.from[link]!] === 0 && this.userFaults[this.to[link]!] === 0;
  }
}
