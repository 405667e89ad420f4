/**
 * Liveness without actor events or timers per peer: the data plane writes when it last heard each member into the
 * member's slot (the same Map lookup that admitted the packet), and each time the root's heartbeat timer fires the
 * runtime reads the connected members' slots — heard within the window? nothing to do; silent? a `peer.silent`
 * event fails that session. A chatty peer costs no actor work at all, where a `peer.traffic` event every few
 * hundred ms costs ~15 µs each (`npm run bench -- tick`) and a timer per session one transition per window (most
 * of the timers at 2,000 runtimes; `npm run bench -- scale`). The price: silence is detected up to one heartbeat
 * interval after the window closes.
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
 * when the clock's fractional frame times round (1317.0000000001 + 1000 − 2317 is not always 1000).
 */
export function heartbeatDue(lastSent: number | undefined, now: number, intervalMs: number): boolean {
  return lastSent === undefined || !(lastSent + intervalMs - now >= 1);
}
