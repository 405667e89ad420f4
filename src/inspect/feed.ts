/**
 * What the live viewer knows, built from XState inspection events with no I/O: every actor with its current state,
 * and the last N events. It turns each inspection event into a small JSON-safe update (Steam IDs as `"<digits>n"`)
 * that the server broadcasts; a browser that connects late asks for `current()`.
 */
import type { AnyStateNode, InspectionEvent } from 'xstate';

export type ActorStatus = 'active' | 'done' | 'error' | 'stopped';

export interface ActorView {
  /** XState's session id: unique per actor instance. */
  readonly id: string;
  /** The system id when it has one (`lobby`, `peer:765…`), else the actor's id. */
  readonly name: string;
  /** The id of the machine it runs, or undefined for actors that are not state machines (callbacks, promises). */
  readonly machineId: string | undefined;
  /** Leaf state paths, e.g. `["membership.joined", "search.ready"]`; empty for non-machines. */
  readonly value: readonly string[];
  /** Ids of every active state node, for highlighting. */
  readonly stateIds: readonly string[];
  readonly status: ActorStatus;
}

export interface LogEntry {
  /** Grows by one per logged event, so a page can tell what it missed. */
  readonly seq: number;
  /** The feed clock's time (virtual time under a VirtualClock), or undefined when no clock was given. */
  readonly time: number | undefined;
  readonly from: string | undefined;
  readonly to: string;
  readonly event: string;
  /** The event's other fields, summarized in one bounded line. */
  readonly detail: string;
}

export interface FeedUpdate {
  readonly actors: readonly ActorView[];
  readonly log: readonly LogEntry[];
}

export interface InspectFeedOptions {
  /** Log entries kept (older ones are dropped). Default 500. */
  readonly logLimit?: number;
  /** Finished actors kept for display (older ones are forgotten). Default 100. */
  readonly finishedLimit?: number;
  /** Timestamps log entries; pass the runtime's clock so they read in its (possibly virtual) time. */
  readonly clock?: { now(): number };
}

interface InspectedRef {
  readonly sessionId: string;
  readonly id?: string;
  readonly systemId?: string;
  readonly logic?: { readonly id?: unknown; readonly root?: AnyStateNode };
  getSnapshot?(): unknown;
}

interface SnapshotLike {
  readonly status?: unknown;
  readonly value?: unknown;
}

const DETAIL_LIMIT = 240;

export class InspectFeed {
  private readonly actors = new Map<string, ActorView>();
  private readonly roots = new Map<string, AnyStateNode | undefined>();
  private readonly finished: string[] = [];
  private readonly log: LogEntry[] = [];
  private seq = 0;
  private readonly logLimit: number;
  private readonly finishedLimit: number;

  constructor(private readonly options: InspectFeedOptions = {}) {
    this.logLimit = Math.max(1, Math.floor(options.logLimit ?? 500));
    this.finishedLimit = Math.max(0, Math.floor(options.finishedLimit ?? 100));
  }

  /** Everything a newly connected page needs. */
  current(): FeedUpdate {
    return { actors: [...this.actors.values()], log: [...this.log] };
  }

  /** Applies one inspection event; returns what changed (undefined when nothing the page shows did). */
  apply(event: InspectionEvent): FeedUpdate | undefined {
    const ref = event.actorRef as unknown as InspectedRef;
    switch (event.type) {
      case '@xstate.actor': {
        this.roots.set(ref.sessionId, machineRoot(ref));
        const view = this.view(ref, safeSnapshot(ref));
        return view === undefined ? undefined : { actors: [view], log: [] };
      }
      case '@xstate.snapshot': {
        const view = this.view(ref, event.snapshot as SnapshotLike);
        return view === undefined ? undefined : { actors: [view], log: [] };
      }
      case '@xstate.event': {
        const entry = this.record(event.sourceRef as InspectedRef | undefined, ref, event.event);
        return { actors: [], log: [entry] };
      }
      default:
        return undefined;
    }
  }

  private view(ref: InspectedRef, snapshot: SnapshotLike | undefined): ActorView | undefined {
    if (!this.roots.has(ref.sessionId)) this.roots.set(ref.sessionId, machineRoot(ref));
    const root = this.roots.get(ref.sessionId);
    const value = root === undefined ? undefined : (snapshot?.value as StateValueLike | undefined);
    const next: ActorView = {
      id: ref.sessionId,
      name: nameOf(ref),
      machineId: root?.machine.id,
      value: value === undefined ? [] : leafPaths(value),
      stateIds: root === undefined || value === undefined ? [] : activeStateIds(root, value),
      status: statusOf(snapshot?.status),
    };
    const before = this.actors.get(ref.sessionId);
    if (before !== undefined && sameView(before, next)) return undefined;
    this.actors.set(ref.sessionId, next);
    if (next.status !== 'active' && before?.status !== next.status) this.retire(ref.sessionId);
    return next;
  }

  /** Keeps only the last `finishedLimit` finished actors, so a long session with churn stays bounded. */
  private retire(sessionId: string): void {
    this.finished.push(sessionId);
    while (this.finished.length > this.finishedLimit) {
      const old = this.finished.shift();
      if (old === undefined) break;
      if (this.actors.get(old)?.status !== 'active') {
        this.actors.delete(old);
        this.roots.delete(old);
      }
    }
  }

  private record(source: InspectedRef | undefined, target: InspectedRef, event: { readonly type: string }): LogEntry {
    const entry: LogEntry = {
      seq: ++this.seq,
      time: this.options.clock?.now(),
      from: source === undefined ? undefined : nameOf(source),
      to: nameOf(target),
      event: String(event.type),
      detail: summarize(event),
    };
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    return entry;
  }
}

type StateValueLike = string | { readonly [key: string]: StateValueLike };

function machineRoot(ref: InspectedRef): AnyStateNode | undefined {
  const root = ref.logic?.root;
  return root !== undefined && typeof root === 'object' && 'states' in root ? root : undefined;
}

function safeSnapshot(ref: InspectedRef): SnapshotLike | undefined {
  try {
    return ref.getSnapshot?.() as SnapshotLike | undefined;
  } catch {
    // An actor announced before its snapshot exists: its first `@xstate.snapshot` fills it in.
    return undefined;
  }
}

/** The system id, else the actor's id — except XState's generated `x:0`, which says less than the machine's id. */
function nameOf(ref: InspectedRef): string {
  if (ref.systemId !== undefined) return ref.systemId;
  const generated = ref.id === undefined || /^x:\d+$/.test(ref.id);
  const machineId = machineRoot(ref)?.machine.id;
  return generated && machineId !== undefined ? machineId : (ref.id ?? ref.sessionId);
}

function statusOf(status: unknown): ActorStatus {
  return status === 'done' || status === 'error' || status === 'stopped' ? status : 'active';
}

function sameView(a: ActorView, b: ActorView): boolean {
  return a.status === b.status && a.value.length === b.value.length && a.value.every((v, i) => v === b.value[i]);
}

/** `{ membership: 'joined', search: 'ready' }` → `['membership.joined', 'search.ready']`. */
export function leafPaths(value: StateValueLike, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix === '' ? [] : [prefix.slice(0, -1)];
  return entries.flatMap(([key, child]) => leafPaths(child, `${prefix}${key}.`));
}

/** The ids of the root and every active state node under it, resolved through the machine (custom ids work). */
export function activeStateIds(root: AnyStateNode, value: StateValueLike): string[] {
  const ids = [root.id];
  const walk = (node: AnyStateNode, v: StateValueLike): void => {
    if (typeof v === 'string') {
      const child = node.states[v];
      if (child !== undefined) ids.push(child.id);
      return;
    }
    for (const [key, sub] of Object.entries(v)) {
      const child = node.states[key];
      if (child === undefined) continue;
      ids.push(child.id);
      walk(child, sub);
    }
  };
  walk(root, value);
  return ids;
}

/** One bounded line of an event's fields: bigints as `123n`, nested objects and long arrays elided. */
export function summarize(event: object): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type') continue;
    parts.push(`${key}=${short(value)}`);
  }
  const line = parts.join(' ');
  return line.length > DETAIL_LIMIT ? `${line.slice(0, DETAIL_LIMIT - 1)}…` : line;
}

function short(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return value.length > 60 ? JSON.stringify(`${value.slice(0, 59)}…`) : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) {
    return value.length <= 4 && value.every((v) => typeof v !== 'object' || v === null)
      ? `[${value.map(short).join(',')}]`
      : `[${value.length} items]`;
  }
  if (typeof value === 'function') return 'ƒ';
  return '{…}';
}
