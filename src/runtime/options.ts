/**
 * The numbers and switches a game passes to `createLobbyRuntime`, checked before the machines see them: the
 * machines merge what they are given over their defaults, so an `undefined`, a negative or a NaN would replace a
 * default and time out at once, storm the retries or crash. Each field that breaks its rule is left out, so its
 * default applies, and becomes one `invalid-argument` naming its option path; `undefined` is unset, not an error.
 * The runtime publishes these at the first tick, as it hands over the launch arguments (runtime.ts).
 */
import type { ReconnectPolicy, RetryPolicy } from '../machines/backoff.js';
import type { LobbyTiming } from '../machines/lobby.machine.js';
import type { PeerTiming } from '../machines/peer-session.machine.js';
import type { VoteKickTiming } from '../machines/vote-kick.machine.js';
import { DEFAULT_PACKET_READ_LIMIT } from '../steam/index.js';
import type { LobbyRuntimeOptions } from './api.js';
import { optionsProblem } from './command-base.js';
import type { LobbyRuntimeError } from './errors.js';

export type OptionProblem = Extract<LobbyRuntimeError, { kind: 'invalid-argument' }>;

/** What the runtime hands the machines: per group, only the fields that passed (undefined when none did). */
export interface CheckedOptions {
  readonly timing: {
    readonly peer: Partial<PeerTiming> | undefined;
    readonly lobby: Partial<LobbyTiming> | undefined;
    readonly vote: Partial<VoteKickTiming> | undefined;
  };
  readonly retry: Partial<RetryPolicy> | undefined;
  readonly reconnect: Partial<ReconnectPolicy> | undefined;
  /** The read limit given, or the seed's. */
  readonly packetReadLimit: number;
  readonly autoAcceptInvites: boolean;
  /** One per option that broke its rule, in the order of the options' types. */
  readonly problems: readonly OptionProblem[];
}

/** A field's rule, and how a problem says it. */
interface Rule {
  readonly accepts: (value: unknown) => boolean;
  readonly wants: string;
}

/** Timers run on the platform's `setTimeout` (the system clock), which fires a longer delay at once. */
const MAX_TIMER_MS = 2_147_483_647;

const isNumber = (value: unknown): value is number => typeof value === 'number';

/** A wait or a timeout: 0 would fire at once, over and over. */
const DURATION: Rule = {
  accepts: (value) => isNumber(value) && value > 0 && value <= MAX_TIMER_MS,
  wants: `a positive number of milliseconds (at most ${MAX_TIMER_MS})`,
};
/** A duration whose doc says 0 turns it off. */
const DURATION_OR_OFF: Rule = {
  accepts: (value) => isNumber(value) && value >= 0 && value <= MAX_TIMER_MS,
  wants: `a number of milliseconds, 0 (off) to ${MAX_TIMER_MS}`,
};
const COUNT: Rule = { accepts: (value) => Number.isSafeInteger(value) && (value as number) > 0, wants: 'a positive integer' };
/** A growth factor below 1 would shrink the wait each round, towards a storm. */
const GROWTH: Rule = { accepts: (value) => isNumber(value) && Number.isFinite(value) && value >= 1, wants: 'a finite number of at least 1' };
/** A spread as a fraction of the wait: beyond 1 a wait could be negative. */
const FRACTION: Rule = { accepts: (value) => isNumber(value) && value >= 0 && value <= 1, wants: 'a number from 0 to 1' };
const FLAG: Rule = { accepts: (value) => typeof value === 'boolean', wants: 'true or false' };

/** A rule for every field: a field added to a machine's options does not type-check here until it has one. */
type Rules<T> = { readonly [K in keyof T]-?: Rule };

const PEER_RULES: Rules<PeerTiming> = {
  handshakeTimeoutMs: DURATION,
  heartbeatIntervalMs: DURATION,
  livenessTimeoutMs: DURATION,
};

const LOBBY_RULES: Rules<LobbyTiming> = {
  requestTimeoutMs: DURATION,
  leaveTimeoutMs: DURATION,
  listTimeoutMs: DURATION,
  seatReservationMs: DURATION_OR_OFF,
  rejoinIntervalMs: DURATION,
};

const VOTE_RULES: Rules<VoteKickTiming> = {
  voteTimeoutMs: DURATION,
  executeTimeoutMs: DURATION,
};

const RETRY_RULES: Rules<RetryPolicy> = {
  maxAttempts: COUNT,
  baseDelayMs: DURATION,
  factor: GROWTH,
  maxDelayMs: DURATION,
  jitter: FRACTION,
};

const RECONNECT_RULES: Rules<ReconnectPolicy> = {
  enabled: FLAG,
  baseDelayMs: DURATION,
  factor: GROWTH,
  maxDelayMs: DURATION,
  jitter: FRACTION,
};

/** A value as a problem quotes it: strings quoted, so "5000" is told from 5000. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

function problem(reason: string): OptionProblem {
  return { kind: 'invalid-argument', command: 'createLobbyRuntime', reason };
}

function checkField(value: unknown, path: string, rule: Rule, problems: OptionProblem[]): boolean {
  if (value === undefined) return false;
  if (rule.accepts(value)) return true;
  problems.push(problem(`${path} must be ${rule.wants}, got ${describeValue(value)}`));
  return false;
}

/** The fields of one options object that pass their rules, or undefined when none does (or it is no object). */
function checkGroup<T extends object>(given: unknown, path: string, rules: Rules<T>, problems: OptionProblem[]): Partial<T> | undefined {
  const notAnObject = optionsProblem(given, path);
  if (notAnObject !== undefined) problems.push(problem(notAnObject));
  if (notAnObject !== undefined || given === undefined) return undefined;
  const source = given as Readonly<Record<string, unknown>>;
  const kept: Record<string, unknown> = {};
  let any = false;
  for (const [key, rule] of Object.entries(rules) as [string, Rule][]) {
    const value = source[key];
    if (!checkField(value, `${path}.${key}`, rule, problems)) continue;
    kept[key] = value;
    any = true;
  }
  return any ? (kept as Partial<T>) : undefined;
}

/** Checks `options` (its backend was checked already): what the machines may use, and what was wrong. */
export function checkRuntimeOptions(options: LobbyRuntimeOptions): CheckedOptions {
  const problems: OptionProblem[] = [];
  const readLimit = options.packetReadLimit;
  const packetReadLimit = checkField(readLimit, 'packetReadLimit', COUNT, problems) ? (readLimit as number) : DEFAULT_PACKET_READ_LIMIT;
  const retry = checkGroup(options.retry, 'retry', RETRY_RULES, problems);
  const reconnect = checkGroup(options.reconnect, 'reconnect', RECONNECT_RULES, problems);
  const autoAcceptInvites = checkField(options.autoAcceptInvites, 'autoAcceptInvites', FLAG, problems) && options.autoAcceptInvites === true;
  const timing: unknown = options.timing;
  const timingProblem = optionsProblem(timing, 'timing');
  if (timingProblem !== undefined) problems.push(problem(timingProblem));
  const groups = timingProblem === undefined && timing !== undefined ? (timing as Readonly<Record<string, unknown>>) : {};
  return {
    timing: {
      peer: checkGroup(groups.peer, 'timing.peer', PEER_RULES, problems),
      lobby: checkGroup(groups.lobby, 'timing.lobby', LOBBY_RULES, problems),
      vote: checkGroup(groups.vote, 'timing.vote', VOTE_RULES, problems),
    },
    retry,
    reconnect,
    packetReadLimit,
    autoAcceptInvites,
    problems,
  };
}
