/**
 * Retry timing for peer sessions: exponential growth, capped, with jitter so that 249 peers who lost the same
 * host do not all knock again on the same millisecond. Randomness is a seeded generator carried in context,
 * so a machine stays pure and every run replays.
 */
export interface RetryPolicy {
  /** Handshake attempts per streak (the first try included) before the session closes. */
  readonly maxAttempts: number;
  /** Wait after the first failed attempt. */
  readonly baseDelayMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
  /** Ceiling for the un-jittered wait. */
  readonly maxDelayMs: number;
  /** Spread as a fraction of the wait: 0.2 means ±20 %. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 8_000,
  jitter: 0.2,
};

/** Wait before the attempt after `failedAttempt` (1-based), for a uniform random `unit` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, unit: number): number {
  const exponent = Math.max(0, failedAttempt - 1);
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** exponent);
  const spread = Math.min(1, Math.max(0, policy.jitter));
  const clampedUnit = Math.min(1, Math.max(0, unit));
  return Math.max(0, Math.round(raw * (1 - spread + 2 * spread * clampedUnit)));
}

/** One step of mulberry32: returns the next state and a uniform value in [0, 1). */
export function nextRandom(state: number): { readonly state: number; readonly unit: number } {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: next, unit: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/** A per-peer default seed, so peers spread out even when nobody passes one. */
export function seedFromSteamId(id: bigint): number {
  return Number(BigInt.asUintN(32, id ^ (id >> 32n))) >>> 0;
}

/**
 * Reconnecting a member whose session closed for good (retries exhausted) while both of us are still in the
 * lobby: rounds of the peer's own retry streak, spaced by this backoff, for as long as the member stays. The
 * wait grows per round and stops growing at `maxDelayMs`, so a member who comes back is found within that bound.
 */
export interface ReconnectPolicy {
  /** Reconnect on our own (default true); `runtime.reconnect(id)` works either way. */
  readonly enabled: boolean;
  /** Wait before the first round. */
  readonly baseDelayMs: number;
  /** Growth per round. */
  readonly factor: number;
  /** Ceiling for the un-jittered wait. */
  readonly maxDelayMs: number;
  /** Spread as a fraction of the wait. */
  readonly jitter: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  enabled: true,
  baseDelayMs: 5_000,
  factor: 2,
  maxDelayMs: 60_000,
  jitter: 0.2,
};

/** The wait before reconnect round `round` (1-based) with `remoteId`: a pure function, so runs replay. */
export function reconnectDelayMs(policy: ReconnectPolicy, remoteId: bigint, round: number): number {
  const unit = nextRandom((seedFromSteamId(remoteId) + round) >>> 0).unit;
  return retryDelayMs({ ...policy, maxAttempts: Number.POSITIVE_INFINITY }, round, unit);
}
