/**
 * `runtime.actor`, the root actor as a game or devtool sees it: everything reads through to the actor (snapshots,
 * subscriptions, its system, inspection), but `send` goes through the runtime, so an event from outside acts
 * exactly as if the runtime had sent it, and one only the machines raise themselves (a peer's reports, the root's
 * own timers) is refused with a typed error instead of disturbing the actors.
 */
import type { Actor } from 'xstate';
import type { SessionEvent, sessionMachine } from '../machines/session.machine.js';
import type { Reporter } from './reporter.js';

/** Events only the machines raise for themselves: never from outside. */
const INTERNAL_EVENTS: ReadonlySet<string> = new Set([
  'peer.connected',
  'peer.attemptFailed',
  'peer.closed',
  'session.heartbeatDue',
  'session.reconnectDue',
  'session.seatExpired',
]);

export function outsideView(root: Actor<typeof sessionMachine>, send: (event: SessionEvent) => void): Actor<typeof sessionMachine> {
  return new Proxy(root, {
    get(target, property) {
      if (property === 'send') return send;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Whether `event`, sent from outside, must be refused (reported as invalid-argument) rather than sent on. */
export function refusedFromOutside(event: unknown, reporter: Reporter): boolean {
  const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !INTERNAL_EVENTS.has(type) && !type.startsWith('xstate.')) return false;
  reporter.report({
    kind: 'invalid-argument',
    command: 'actor.send',
    reason: `${String(type ?? event)} is raised by lobbykit's machines themselves, or is no event; it cannot be sent from outside.`,
  });
  return true;
}
