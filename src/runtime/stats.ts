/**
 * Counters for what the data plane did, kept in one plain object (incremented in place: the hot path must not
 * allocate or emit per packet). `runtime.stats()` hands out a copy.
 */
export interface RuntimeStats {
  ticks: number;
  /** Packets read from the backend (every kind, every sender). */
  packetsRead: number;
  /** Game messages handed to a channel's subscribers. */
  messagesDelivered: number;
  /** Control frames (handshakes, heartbeats) from members, and tutorial peers' handshakes. */
  controlFrames: number;
  /** Packets from users who are not members of our lobby, dropped before decoding. */
  droppedNonMember: number;
  /** Packets from members kicked or banned from this lobby, dropped before decoding. */
  droppedExpelled: number;
  /** Packets from members that did not decode (each is also a `decode-failed` error; shed ones are counted below). */
  decodeErrors: number;
  /** Heavy packets shed undecoded from members that kept the decode budget waiting too long (also `decode-failed`). */
  shedOverBudget: number;
  /** Game messages on a channel nobody asked for with `messages(channel)`. */
  unroutedMessages: number;
  sessionRequestsAccepted: number;
  /** Session requests refused: strangers, and members kicked or banned from this lobby. */
  sessionRequestsRefused: number;
  /** Members kicked or banned from this lobby seen entering it again: not admitted (kicked again if we own it). */
  expelledRejoins: number;
  /** Game messages sent (one per recipient). */
  packetsSent: number;
  /** Sends refused before anything went on the wire (oversize, unencodable, not a member). */
  sendsRefused: number;
  /** Backend events drained and translated. */
  backendEvents: number;
  /** Lobby chat updates whose member-state bits named no change. */
  unknownMemberChanges: number;
  /** Unread packets the backend still held at the end of the last tick (the seed's read limit left them). */
  readBacklog: number;
  /** lobbykit notices read from lobby chat (kick and ban notices, vote-kick frames). */
  chatNotices: number;
  /** Notices dropped: malformed, from a non-member, or a kick notice from someone who is not the owner. */
  chatNoticesRefused: number;
}

export function createStats(): RuntimeStats {
  return {
    ticks: 0,
    packetsRead: 0,
    messagesDelivered: 0,
    controlFrames: 0,
    droppedNonMember: 0,
    droppedExpelled: 0,
    decodeErrors: 0,
    shedOverBudget: 0,
    unroutedMessages: 0,
    sessionRequestsAccepted: 0,
    sessionRequestsRefused: 0,
    expelledRejoins: 0,
    packetsSent: 0,
    sendsRefused: 0,
    backendEvents: 0,
    unknownMemberChanges: 0,
    readBacklog: 0,
    chatNotices: 0,
    chatNoticesRefused: 0,
  };
}
