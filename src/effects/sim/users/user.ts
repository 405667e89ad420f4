/**
 * One simulated Steam account: who it is (options), whom it knows (friends, blocked users, persona names it has
 * seen), the lobbies it is in, its listeners, and its end of the P2P network (inbox, session state, links). Its
 * reach and faults are mirrored into the P2P LinkTable so a send reads them from dense arrays.
 */
import type { BackendEvent } from '../../backend.js';
import { FairInbox } from '../../inbox.js';
import type { LinkFaults } from '../faults/link-faults.js';
import type { Datagram } from '../p2p/datagram.js';
import type { LinkTable } from '../p2p/link-table.js';
import type { PendingSession } from '../p2p/sessions.js';

export interface SimulatedUserOptions {
  readonly id: bigint;
  readonly name: string;
  readonly friends?: readonly bigint[];
  readonly blocked?: readonly bigint[];
  /** A limited account (no purchases): joins answer 7. */
  readonly limited?: boolean;
  /** A community-banned account: joins answer 9. */
  readonly communityBanned?: boolean;
  /** False: the user does not own the app, so every P2P session they open fails with error 2. */
  readonly ownsApp?: boolean;
  /** Launch arguments, e.g. `['+connect_lobby', '…']` when Steam started the game from an invite. */
  readonly launchArgs?: readonly string[];
  /** Geography for the lobby list distance filter; users without a region match every distance. */
  readonly region?: string;
}

export type Listener = (event: BackendEvent) => void;

export class SimUser {
  readonly friends: Set<bigint>;
  readonly blocked: Set<bigint>;
  /** Users whose persona name this user has: itself and its friends at first, lobby mates once introduced. */
  readonly known: Set<bigint>;
  /** Remote users whose sessions this user accepted; changed only through P2PSessions, which keeps links in step. */
  private readonly acceptedIds = new Set<bigint>();
  /** Packets from senders whose session request is not answered yet, by sender. */
  readonly pending = new Map<bigint, PendingSession>();
  readonly inbox = new FairInbox<Datagram>();
  /** The links this user sends on, by remote id, as indexes into the LinkTable: a route is one of these. */
  readonly linkIndexes = new Map<bigint, number>();
  readonly lobbies = new Set<bigint>();
  readonly listeners: Listener[] = [];
  /** Enter responses a test forced, taken one per join. */
  readonly forcedEnter: number[] = [];
  serversConnected = true;
  relayAllowed = true;
  /** This user's index in `table`, which mirrors their reach and whether they have faults. */
  readonly index: number;
  private ownFaults: LinkFaults | undefined = undefined;
  private islandNumber = 0;
  private gone = false;

  constructor(
    readonly options: SimulatedUserOptions,
    private readonly table: LinkTable,
  ) {
    this.friends = new Set(options.friends ?? []);
    this.blocked = new Set(options.blocked ?? []);
    this.known = new Set([options.id, ...this.friends]);
    this.index = table.addUser();
  }

  get faults(): LinkFaults | undefined {
    return this.ownFaults;
  }

  set faults(faults: LinkFaults | undefined) {
    this.ownFaults = faults;
    this.table.userFaults[this.index] = faults === undefined ? 0 : 1;
  }

  /** 0 unless a partition put the user on an island with their group. */
  get island(): number {
    return this.islandNumber;
  }

  set island(island: number) {
    this.islandNumber = island;
    this.table.setReach(this.index, island, this.gone);
  }

  get vanished(): boolean {
    return this.gone;
  }

  set vanished(vanished: boolean) {
    this.gone = vanished;
    this.table.setReach(this.index, this.islandNumber, vanished);
  }

  get id(): bigint {
    return this.options.id;
  }

  get accepted(): ReadonlySet<bigint> {
    return this.acceptedIds;
  }

  /** For P2PSessions.setAccepted only: it also updates the links' mirrors. */
  markAccepted(remote: bigint, accepted: boolean): void {
    if (accepted) this.acceptedIds.add(remote);
    else this.acceptedIds.delete(remote);
  }
}
