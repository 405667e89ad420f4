/**
 * Network faults as a test describes them (latency, jitter, loss, duplication, reordering on a link or a user) and
 * how the faults of a link and of both its users combine into what one datagram meets. All are modelling: Steam
 * publishes no such figures.
 */
/** Faults on a P2P link (or on everything a user sends and receives). All seeded; all default to none. */
export interface LinkFaults {
  /** One-way latency added to the network's base latency, ms. */
  readonly latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs), ms. */
  readonly jitterMs?: number;
  /** Probability a datagram is lost. Reliable sends are never lost: each loss costs a retransmission delay. */
  readonly loss?: number;
  /** Probability an unreliable datagram arrives twice. */
  readonly duplication?: number;
  /** Probability an unreliable datagram is held back behind later ones. */
  readonly reorder?: number;
}

/** The faults that apply to one direction of one link, once link, sender and receiver faults are combined. */
export interface EffectiveFaults {
  latencyMs: number;
  jitterMs: number;
  loss: number;
  duplication: number;
  reorder: number;
}

const orZero = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) && n > 0 ? n : 0);
const probability = (n: number | undefined): number => Math.min(1, orZero(n));
/** Independent chances: the datagram survives only if it survives each. */
const either = (a: number, b: number): number => 1 - (1 - a) * (1 - b);

export function combineFaults(baseLatencyMs: number, parts: readonly (LinkFaults | undefined)[]): EffectiveFaults {
  const out: EffectiveFaults = { latencyMs: baseLatencyMs, jitterMs: 0, loss: 0, duplication: 0, reorder: 0 };
  for (const f of parts) {
    if (f === undefined) continue;
    out.latencyMs += orZero(f.latencyMs);
    out.jitterMs += orZero(f.jitterMs);
    out.loss = either(out.loss, probability(f.loss));
    out.duplication = either(out.duplication, probability(f.duplication));
    out.reorder = either(out.reorder, probability(f.reorder));
  }
  return out;
}
