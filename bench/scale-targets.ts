// The scale run's targets (issue 7): 2,000 players for 60 simulated seconds in ≤ 60 s of wall time on one core, with
// ≤ 10 KB of heap per peer session. A run meets them only if it also did the work: the traffic the baseline
// delivered, every player still connected, and nothing refused or failed on the way. A run that delivered nothing
// would otherwise be the fastest of all.

export const TARGET_PLAYERS = 2000;
export const TARGET_SIMULATED_SECONDS = 60;
export const TARGET_WALL_SECONDS = 60;
export const TARGET_BYTES_PER_SESSION = 10 * 1024;

/** What one run of the scale bench did, as its result reports it. */
export interface ScaleRunFacts {
  readonly players: number;
  readonly simulatedSeconds: number;
  readonly traffic: string;
  readonly profiled: boolean;
  readonly wallSeconds: number;
  /** Undefined when the run could not measure the heap (no gc). */
  readonly bytesPerPeerSession: number | undefined;
  readonly delivered: number;
  /** What the hand-written baseline delivered with the same traffic. */
  readonly baselineDelivered: number;
  readonly stillConnected: number;
  readonly sessionErrors: number;
  readonly sendFailures: number;
}

/** Each reason the run does not meet the targets; empty when it meets them. */
export function unmetTargets(run: ScaleRunFacts): string[] {
  const unmet: string[] = [];
  if (run.players !== TARGET_PLAYERS || run.simulatedSeconds !== TARGET_SIMULATED_SECONDS) {
    unmet.push(`the run was ${run.players} players × ${run.simulatedSeconds} s; the targets are for ${TARGET_PLAYERS} × ${TARGET_SIMULATED_SECONDS} s`);
  }
  if (run.traffic !== 'all') unmet.push(`traffic was '${run.traffic}', and the targets are judged on 'all' only`);
  if (run.profiled) unmet.push('the run was profiled, which slows it');
  if (!(run.wallSeconds <= TARGET_WALL_SECONDS)) unmet.push(`wall time ${run.wallSeconds} s is over ${TARGET_WALL_SECONDS} s`);
  if (run.bytesPerPeerSession === undefined) unmet.push('the heap was not measured (no gc)');
  else if (!(run.bytesPerPeerSession <= TARGET_BYTES_PER_SESSION)) {
    unmet.push(`${Math.round(run.bytesPerPeerSession)} B per peer session is over ${TARGET_BYTES_PER_SESSION} B`);
  }
  if (run.delivered === 0 || run.delivered !== run.baselineDelivered) {
    unmet.push(`${run.delivered} messages delivered where the baseline delivered ${run.baselineDelivered}`);
  }
  if (run.stillConnected !== run.players) unmet.push(`${run.players - run.stillConnected} of ${run.players} players lost a session`);
  if (run.sessionErrors > 0) unmet.push(`${run.sessionErrors} errors reported`);
  if (run.sendFailures > 0) unmet.push(`${run.sendFailures} sends refused`);
  return unmet;
}
