/**
 * Liveness without actor events: the data plane writes when it last heard each member into the member's slot (the
 * same Map lookup that admitted the packet), and the peer machine's liveness timer reads it when it fires — heard
 * within the window? re-arm for the window's remainder; silent? fail. A chatty peer costs one timer transition per
 * liveness window instead of a `peer.traffic` event every few hundred ms (each ~15 µs of XState work, measured
 * with `npm run bench -- tick`), and silence is still detected one window after the last packet.
 */
export function heardWithin(lastHeard: number | undefined, now: number, windowMs: number): boolean {
  return lastHeard !== undefined && now - lastHeard < windowMs;
}

/** Time until the window since the last packet closes (the whole window when nothing was heard yet). */
export function remainingMs(lastHeard: number | undefined, now: number, windowMs: number): number {
  if (lastHeard === undefined || lastHeard === -Infinity) return windowMs;
  return Math.max(1, Math.min(windowMs, lastHeard + windowMs - now));
}

/**
 * Heartbeats the same way, from the other end: every reliable frame we send a member stamps its slot, and the
 * heartbeat timer is armed for the time until a heartbeat is really due (an interval after that send), so a link
 * carrying reliable game traffic at least once an interval sends no heartbeat at all. Unreliable frames do not
 * stamp: they may be lost, so they cannot stand in for the heartbeat that keeps the remote's liveness timer fed.
 * When one is due now (the link was quiet for the interval), the whole interval.
 */
export function untilHeartbeatDueMs(lastSent: number | undefined, now: number, intervalMs: number): number {
  return heartbeatDue(lastSent, now, intervalMs) ? intervalMs : Math.min(lastSent! + intervalMs - now, intervalMs);
}

/**
 * Whether a heartbeat is owed now: less than 1 ms of the interval since the last reliable send is left. The
 * millisecond of slack keeps a timer armed for exactly an interval from counting as early when the clock's
 * fractional frame times round (1317.0000000001 + 1000 − 2317 is not always 1000).
 */
export function heartbeatDue(lastSent: number | undefined, now: number, intervalMs: number): boolean {
  return lastSent === undefined || !(lastSent + intervalMs - now >= 1);
}
