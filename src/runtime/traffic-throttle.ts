/**
 * "Any traffic resets the peer's liveness timer" without one actor event per packet: the data plane notes when it
 * forwarded traffic for a peer and forwards again only after `intervalMs`. With the interval a quarter of the
 * liveness window, a peer that keeps talking is never timed out, and the machines see at most a few events per
 * peer per liveness window whatever the packet rate. The price: silence is detected up to one interval late
 * (the window is effectively 0.75–1 × livenessTimeoutMs).
 */
export class TrafficThrottle {
  private readonly lastForwarded = new Map<bigint, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly forward: (remoteId: bigint) => void,
  ) {}

  /** Called for every valid packet from a member; forwards at most once per interval per peer. */
  heard(remoteId: bigint, now: number): void {
    const last = this.lastForwarded.get(remoteId);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.lastForwarded.set(remoteId, now);
    this.forward(remoteId);
  }

  forget(remoteId: bigint): void {
    this.lastForwarded.delete(remoteId);
  }

  clear(): void {
    this.lastForwarded.clear();
  }
}
