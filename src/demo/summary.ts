/**
 * What the demo story adds up to once it is over: per-channel traffic against the seed format, the cast's fates,
 * sessions opened and closed, retries and reconnections, and every kind of failure seen with one example each.
 */
import type { Actor } from './cast.js';
import { RELIABLE_CHANNEL, UNRELIABLE_CHANNEL, who } from './cast.js';
import type { DemoSummary, FailureRow } from './events.js';
import { CONTROL_CHANNEL, type Stage } from './stage.js';

export interface Cast {
  readonly refused: Actor;
  readonly refusal: string;
  readonly kicked: Actor;
  readonly host: Actor;
  readonly owner: Actor;
}

export function summarize(stage: Stage, lobbyId: bigint, memberLimit: number, cast: Cast): DemoSummary {
  const failures = new Map<string, { count: number; example: string }>();
  let retries = 0;
  for (const a of stage.actors) {
    for (const e of a.errors) {
      const code = e.kind === 'join-failed' && e.key !== undefined ? e.key : 'code' in e ? String(e.code) : e.kind === 'session-failed' ? e.failure.code : '';
      const key = code === '' ? e.kind : `${e.kind}/${code}`;
      const row = failures.get(key) ?? { count: 0, example: e.reason };
      row.count++;
      failures.set(key, row);
      if (e.kind === 'session-failed' && e.retryInMs !== undefined) retries++;
    }
  }
  const failureRows: FailureRow[] = [...failures.entries()]
    .map(([key, row]) => ({ key, count: row.count, example: row.example }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const channel = (n: number, label: string, reliable: boolean) => {
    const c = stage.counts.get(n)!;
    return { channel: n, label, reliable, messages: c.messages, packets: c.packets, delivered: c.delivered, bytes: stage.ledger.channel(n).bytes, seedBytes: c.seedBytes };
  };
  const o = stage.options;
  return {
    players: o.players,
    seed: o.seed,
    latencyMs: o.latencyMs,
    loss: o.loss,
    virtualMs: stage.now(),
    lobbyId,
    memberLimit,
    members: stage.actors.map((a) => ({ name: a.name, id: a.id, story: [...a.story], chatHeard: a.chatHeard, messagesReceived: a.messagesReceived })),
    channels: [channel(RELIABLE_CHANNEL, 'input', true), channel(UNRELIABLE_CHANNEL, 'position', false)],
    control: { ...stage.ledger.channel(CONTROL_CHANNEL) },
    chatLines: stage.chatLines,
    refused: { who: who(cast.refused), reason: cast.refusal },
    kicked: { who: who(cast.kicked), by: who(cast.host) },
    ownerChange: { from: who(cast.host), to: who(cast.owner) },
    retries,
    reconnections: stage.actors.reduce((n, a) => n + a.reconnections, 0),
    sessions: {
      opened: stage.actors.reduce((n, a) => n + a.sessionsOpened, 0),
      closed: stage.actors.reduce((n, a) => n + a.sessionsClosed, 0),
    },
    failures: failureRows,
  };
}
