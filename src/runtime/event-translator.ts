/**
 * Turns backend events into machine events and game notices: lobby and member changes, chat (with kick and vote
 * notices), data changes and P2P session requests, each checked against who may cause it.
 */
import { decodeChatNotice, isChatNotice, type ChatNotice } from '../codec/chat-notice.js';
import { EnterResponse, type Backend, type BackendEvent, type BackendProblemCode } from '../effects/backend.js';
import { memberChangeFromSteam, type MemberChange } from '../steam/index.js';
import type { SessionEvent } from '../machines/session.machine.js';
import type { MemberDirectory } from './member-directory.js';
import type { Reporter } from './reporter.js';
import type { RuntimeStats } from './stats.js';

/** A lobby chat line. */
export interface ChatMessage {
  readonly lobbyId: bigint;
  readonly from: bigint;
  /** The sender's persona name when the message arrived ('' if the backend threw reading it). */
  readonly name: string;
  readonly text: string;
}

export interface TranslatorSinks {
  toMachines(event: SessionEvent): void;
  chat(message: ChatMessage): void;
  /** Lobby data of our lobby changed (the owner may have too). */
  lobbyDataChanged(): void;
  /** A member's lobby member data changed. */
  memberDataChanged(id: bigint): void;
  /** A member is gone for good from our point of view: forget their per-peer state. */
  memberGone(id: bigint): void;
  /**
   * A member is about to leave or vanish: read what has already arrived, so packets they sent before leaving are
   * delivered rather than dropped with their session. Not for kicks and bans, whose packets stay out.
   */
  beforeDeparture(): void;
  /**
   * Who the owner of `lobbyId` has published as expelled (never the owner): read through the runtime's one parser,
   * whose backend reads are guarded, so a backend that throws is an error on errors$, not a throw into tick().
   */
  publishedExpulsions(lobbyId: bigint): readonly bigint[];
  /** We own the lobby and someone expelled came back: kick them again. */
  reExpel(id: bigint): void;
  /** A session request from someone kicked or banned from this lobby: refused without asking the machines. */
  refuseExpelled(id: bigint): void;
  /** The backend reports a problem with how it is wired into the game. */
  backendProblem(code: BackendProblemCode, detail: string): void;
}

const textDecoder = new TextDecoder();

/**
 * A chat entry's text: its bytes up to the first NUL. GodotSteam sends the text with its terminating NUL (strlen + 1;
 * GodotSteam branch godot3, godotsteam.cpp:3452 at 3200570, as godot/steam.gd cites) and reads an entry only up to
 * a NUL (String::utf8), so every member of a mixed lobby reads the same line.
 */
function chatText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return textDecoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * A user's persona name (ours is `localUserName`), read guarded: undefined when the backend threw, which is
 * reported, so the event that wanted the name still goes through.
 */
export function personaNameOf(backend: Backend, reporter: Reporter, selfId: bigint, id: bigint): string | undefined {
  return id === selfId ? reporter.guarded('localUserName', () => backend.localUserName()) : reporter.guarded('personaName', () => backend.personaName(id));
}

/**
 * Steam's callbacks (the backend's events) into the machines' events, with the reads Steam expects right after
 * them: owner and members after a successful enter, the owner after every update of our lobby (Steam reports an
 * owner change only as a lobby data update). Events about other lobbies are dropped here, so the machines only
 * ever hear about the lobby they are in (or are asking for). Every read is guarded: a backend that throws costs
 * the value read (reported on errors$), never the event or the rest of the tick's events.
 */
export class EventTranslator {
  constructor(
    private readonly backend: Backend,
    private readonly reporter: Reporter,
    private readonly directory: MemberDirectory,
    private readonly selfId: bigint,
    private readonly stats: RuntimeStats,
    private readonly sinks: TranslatorSinks,
    /** Seats are held for members Steam drops (seat reservation on): they stay in the gate meanwhile. */
    private readonly holdsSeats: boolean,
  ) {}

  /** Bound once, handed to `backend.drainEvents` every tick. */
  readonly translate = (event: BackendEvent): void => {
    this.stats.backendEvents++;
    const send = this.sinks.toMachines;
    switch (event.type) {
      case 'lobbyCreated':
        send({ type: 'lobby.created', result: event.result, lobbyId: event.lobbyId });
        return;
      case 'lobbyEntered':
        if (event.response === EnterResponse.success) {
          send({
            type: 'lobby.entered',
            lobbyId: event.lobbyId,
            response: event.response,
            ownerId: this.ownerOf(event.lobbyId),
            members: this.admissibleMembers(event.lobbyId),
          });
        } else {
          send({ type: 'lobby.entered', lobbyId: event.lobbyId, response: event.response });
        }
        return;
      case 'lobbyList':
        if (event.failure !== undefined) send({ type: 'lobby.listRefused', reason: event.failure });
        else send({ type: 'lobby.listReceived', lobbies: event.lobbyIds, complete: event.complete });
        return;
      case 'lobbyDataUpdate':
        if (event.lobbyId !== this.directory.lobbyId) return;
        if (!event.success) {
          send({ type: 'lobby.gone', lobbyId: event.lobbyId });
          return;
        }
        if (event.memberId === event.lobbyId) {
          this.checkOwner(event.lobbyId);
          this.sinks.lobbyDataChanged();
        } else {
          this.sinks.memberDataChanged(event.memberId);
        }
        return;
      case 'lobbyChatUpdate':
        this.memberUpdate(event.lobbyId, event.changed, event.changedBy, event.state);
        return;
      case 'lobbyChatMessage': {
        if (event.lobbyId !== this.directory.lobbyId || this.directory.isExpelled(event.from)) return;
        if (isChatNotice(event.bytes)) {
          this.notice(event.from, decodeChatNotice(event.bytes));
          return;
        }
        this.sinks.chat({
          lobbyId: event.lobbyId,
          from: event.from,
          name: personaNameOf(this.backend, this.reporter, this.selfId, event.from) ?? '',
          text: chatText(event.bytes),
        });
        return;
      }
      case 'lobbyKicked':
        if (event.lobbyId !== this.directory.lobbyId) return;
        send({
          type: 'member.changed',
          memberId: this.selfId,
          change: event.dueToDisconnect ? 'disconnected' : 'kicked',
          changedBy: event.by,
        });
        return;
      case 'lobbyInvite':
        send({ type: 'lobby.invited', lobbyId: event.lobbyId, from: event.from });
        return;
      case 'joinRequested':
        send({ type: 'lobby.joinRequested', lobbyId: event.lobbyId, friendId: event.friendId });
        return;
      case 'personaChange':
        this.directory.rename(event.userId);
        return;
      case 'p2pSessionRequest':
        if (this.directory.isExpelled(event.remote)) {
          this.sinks.refuseExpelled(event.remote);
          return;
        }
        send({ type: 'session.request', remoteId: event.remote });
        return;
      case 'p2pConnectFail':
        send({ type: 'peer.sessionFailed', remoteId: event.remote, error: event.error });
        return;
      case 'serversDisconnected':
        send({ type: 'steam.serversDisconnected' });
        return;
      case 'serversConnected':
        send({ type: 'steam.serversConnected' });
        return;
      case 'backendProblem':
        this.sinks.backendProblem(event.code, event.detail);
        return;
    }
  };

  private memberUpdate(lobbyId: bigint, changed: bigint, changedBy: bigint, state: number | string): void {
    if (lobbyId !== this.directory.lobbyId) return;
    const change = memberChangeFromSteam(state);
    if (change === undefined) {
      this.stats.unknownMemberChanges++;
      return;
    }
    if (changed !== this.selfId) this.applyToDirectory(changed, change);
    // An expelled member knocking again is not admitted: the machines never hear of them.
    if (change === 'entered' && changed !== this.selfId && !this.directory.has(changed)) {
      this.stats.expelledRejoins++;
      if (this.directory.ownerId === this.selfId) this.sinks.reExpel(changed);
      return;
    }
    this.sinks.toMachines({ type: 'member.changed', memberId: changed, change, changedBy });
    // Steam moves ownership when the owner leaves; do not wait for the data update to say so.
    if (change !== 'entered') this.checkOwner(lobbyId);
  }

  private applyToDirectory(id: bigint, change: MemberChange): void {
    switch (change) {
      case 'entered':
        if (this.directory.add(id)) this.directory.setAway(id, false);
        return;
      case 'kicked':
      case 'banned':
        this.directory.expel(id);
        this.sinks.memberGone(id);
        return;
      case 'disconnected':
        // The seat is held: they stay in the gate until the root gives the seat up (or they are back).
        if (this.holdsSeats) {
          this.directory.setAway(id, true);
          return;
        }
        this.sinks.beforeDeparture();
        this.directory.remove(id);
        this.sinks.memberGone(id);
        return;
      case 'left':
        this.sinks.beforeDeparture();
        this.directory.remove(id);
        this.sinks.memberGone(id);
        return;
    }
  }

  /**
   * A lobbykit notice from a member (its sender is Steam's). A kick or ban counts only from the owner as we know
   * them; vote frames go to the vote-kick machine, which checks them against the vote.
   */
  private notice(from: bigint, notice: ChatNotice | undefined): void {
    const { directory, stats } = this;
    if (notice === undefined || !directory.has(from)) {
      stats.chatNoticesRefused++;
      return;
    }
    stats.chatNotices++;
    switch (notice.kind) {
      case 'expel': {
        if (from !== directory.ownerId) {
          stats.chatNoticesRefused++;
          return;
        }
        const change = notice.ban ? 'banned' : 'kicked';
        // Our own notice coming back: the effect already expelled them.
        if (notice.target !== this.selfId && !directory.has(notice.target)) return;
        if (notice.target !== this.selfId) this.applyToDirectory(notice.target, change);
        this.sinks.toMachines({ type: 'member.changed', memberId: notice.target, change, changedBy: from });
        return;
      }
      case 'start':
        this.sinks.toMachines({ type: 'vote.startReceived', starter: from, voteId: notice.voteId, target: notice.target });
        return;
      case 'ballot':
        this.sinks.toMachines({
          type: 'vote.ballotReceived',
          voter: from,
          starter: notice.starter,
          voteId: notice.voteId,
          target: notice.target,
          approve: notice.approve,
        });
        return;
    }
  }

  private checkOwner(lobbyId: bigint): void {
    const ownerId = this.reporter.guarded('getLobbyOwner', () => this.backend.getLobbyOwner(lobbyId));
    // Unreadable or unknown (0): the owner we know stays until a read says otherwise.
    if (ownerId === undefined || ownerId === 0n || ownerId === this.directory.ownerId) return;
    this.directory.setOwner(ownerId);
    this.sinks.toMachines({ type: 'lobby.ownerChanged', lobbyId, ownerId });
  }

  /**
   * The members Steam lists, less any the owner has published as expelled (the owner is about to kick them again).
   * Unreadable: the members we know of this lobby (back after a drop, an empty list would drop them all), or none.
   * Read once per entry: the machines open their peer sessions from it and hand it on to the game (on
   * `lifecycle.entered` or `lifecycle.reconnected`), so the two never hold different lists.
   */
  private admissibleMembers(lobbyId: bigint): readonly bigint[] {
    const { directory } = this;
    const members =
      this.reporter.guarded('getLobbyMembers', () => this.backend.getLobbyMembers(lobbyId)) ??
      (lobbyId === directory.lobbyId ? [this.selfId, ...directory.remoteMemberIds()] : []);
    const expelled = this.sinks.publishedExpulsions(lobbyId);
    if (expelled.length === 0) return members;
    return members.filter((id) => id === this.selfId || !expelled.includes(id));
  }

  /**
   * Steam's owner of the lobby we entered; unreadable or Steam's nil (0), none: entering, we know no owner of our
   * own to fall back on (the lobby is new to us, or ours while we were out of it, when nobody is owner to us).
   */
  private ownerOf(lobbyId: bigint): bigint | undefined {
    const ownerId = this.reporter.guarded('getLobbyOwner', () => this.backend.getLobbyOwner(lobbyId));
    return ownerId === 0n ? undefined : ownerId;
  }
}
