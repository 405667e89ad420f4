/**
 * Datagrams in flight and the pool they come from: a datagram is reused once read or dropped, and the bytes a game
 * sends are copied (as Steam copies them) into shared slabs rather than a buffer each.
 */
import type { P2PPacket } from '../../backend.js';
import { OutputSlab } from '../../../codec/byte-writer.js';
import type { Scheduled } from '../scheduler.js';
import type { Link } from './link.js';
import type { P2PTransport } from './transport.js';

const NO_BYTES = new Uint8Array(0);
/** Spare datagrams kept for reuse: a frame's sends in a big simulated world; a burst past it is left to the GC. */
const MAX_SPARE_DATAGRAMS = 8192;

/**
 * A datagram in flight. Reused: once it is read (the reader gets a record of its own) or dropped on arrival, the
 * pool keeps it for the next send. Datagrams live a latency or more, long enough to outlive a young-generation
 * collection; fresh ones would be copied by each collection and then promoted, which in a big world would be most
 * of the scavenge time.
 */
export class Datagram implements Scheduled, P2PPacket {
  due = 0;
  seq = 0;
  sendSeq = 0;
  session = 0;
  /** Copied from the link so a reader's `packet.from` is one load. */
  from = 0n;
  bytes: Uint8Array = NO_BYTES;
  channel = 0;
  reliable = false;

  constructor(
    private readonly transport: P2PTransport,
    public link: Link,
  ) {}

  /** The link's session and sender are given, so a send from the LinkTable need not load the Link object. */
  load(link: Link, session: number, from: bigint, bytes: Uint8Array, channel: number, reliable: boolean): this {
    this.link = link;
    this.session = session;
    this.from = from;
    this.bytes = bytes;
    this.channel = channel;
    this.reliable = reliable;
    this.due = 0;
    this.seq = 0;
    this.sendSeq = 0;
    return this;
  }

  fire(): void {
    this.transport.arrive(this);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (b.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class DatagramPool {
  private readonly spare: Datagram[] = [];
  /**
   * Steam copies what a game sends; so do we, into shared slabs rather than a fresh buffer per datagram (a small
   * Uint8Array is an off-heap allocation each). A slab lives while any datagram cut from it is unread.
   */
  private readonly copies = new OutputSlab();
  /** The bytes last copied and their copy, for copyOf. */
  private lastCopied: Uint8Array | undefined = undefined;
  private lastCopy: Uint8Array | undefined = undefined;

  constructor(private readonly transport: P2PTransport) {}

  /** A spare datagram (or a new one) loaded for `link`, whose session and sender the caller already has. */
  take(link: Link, session: number, from: bigint, bytes: Uint8Array, channel: number, reliable: boolean): Datagram {
    return (this.spare.pop() ?? new Datagram(this.transport, link)).load(link, session, from, bytes, channel, reliable);
  }

  /** Keeps a datagram nothing holds any more (read, lost or dropped) for the next send. */
  recycle(datagram: Datagram): void {
    datagram.bytes = NO_BYTES;
    if (this.spare.length < MAX_SPARE_DATAGRAMS) this.spare.push(datagram);
  }

  /**
   * Steam copies what it is given, so a caller may reuse its buffer at once. A send to every member passes the same
   * bytes once per member: while they are the same view with the same contents, the recipients share one copy
   * (packets are read-only to their readers, as duplicated datagrams already are).
   */
  copyOf(bytes: Uint8Array): Uint8Array {
    const last = this.lastCopy;
    if (bytes === this.lastCopied && last !== undefined && sameBytes(last, bytes)) return last;
    const copy = this.copies.copyOut(bytes, 0, bytes.length);
    this.lastCopied = bytes;
    this.lastCopy = copy;
    return copy;
  }
}
