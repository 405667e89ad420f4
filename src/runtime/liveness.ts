/**
 * Liveness without actor events or timers per peer: the data plane writes when it last heard each member into the
 * member's slot (the same Map lookup that admitted the packet), and each time the root's heartbeat timer fires the
 * runtime reads the connected members' slots — heard within the window? nothing to do; silent? a `peer.silent`
 * event fails that session. A chatty peer costs no actor work at all, where an actor event per packet (or a timer
 * per session, re-armed by traffic) would cost a transition each. The price: silence is detected up to one
 * heartbeat interval after the window closes.
 */
export function heardWithin(lastHeard: number | undefined, now: number, windowMs: number): boolean {
  return lastHeard !== undefined && now - lastHeard < windowMs;
}

/**
 * Heartbeats the same way, from the other end: every reliable frame we send a member stamps its slot, and when the
 * root's heartbeat timer fires, a member is owed one only if less than 1 ms of the interval since that stamp is
 * left. So a link carrying reliable game traffic at least once an interval sends no heartbeat at all. Unreliable
 * frames do not stamp: they may be lost, so they cannot stand in for the heartbeat that keeps the remote's liveness
 * timer fed. The millisecond of slack keeps a send exactly one interval before the timer from counting as recent
 * when the clock's fractional frame times round (a + interval − b is not always exactly the interval).
 */
export function heartbeatDue(lastSent: number | undefined, now: number, intervalMs: number): boolean {
  return lastSent === undefined || !(lastSent + intervalMs - now >= 1);
}
