/**
 * Text for the demo: one timeline line per story event, a progress line for a terminal, the closing summary
 * tables, and JSON lines (Steam ids as strings) for machines. Pure functions of the events: same run, same text.
 */
import type { DemoEvent, DemoSummary, SessionFailureNote } from './events.js';

export interface RenderStyle {
  /** ANSI colour (a terminal with NO_COLOR unset). */
  readonly color: boolean;
}

type Paint = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan' | 'magenta';
const ANSI: Record<Paint, string> = { bold: '1', dim: '2', green: '32', red: '31', yellow: '33', cyan: '36', magenta: '35' };

function painter(style: RenderStyle): (paint: Paint, text: string) => string {
  return style.color ? (paint, text) => `\x1b[${ANSI[paint]}m${text}\x1b[0m` : (_paint, text) => text;
}

/** JSON with bigints as decimal strings, so 64-bit Steam ids survive any JSON reader. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export function formatBytes(bytes: number): string {
  if (bytes < 10_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`.padStart(8);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}

function bar(done: number, of: number, width = 10): string {
  const filled = of === 0 ? width : Math.round((width * done) / of);
  return '■'.repeat(filled) + '□'.repeat(width - filled);
}

/** The timeline line for one event (several lines for a step heading), without a trailing newline. */
export function renderEvent(event: DemoEvent, style: RenderStyle): string {
  const p = painter(style);
  const at = p('dim', seconds(event.t));
  const line = (mark: string, text: string) => `${at}  ${mark} ${text}`;
  switch (event.type) {
    case 'world':
      return p(
        'bold',
        `lobbykit demo: the seed's lobby story on the simulated Steam — ${event.players} players, ${event.latencyMs} ms latency, ` +
          `${(event.loss * 100).toFixed(0)}% loss, seed ${event.seed} (virtual time, 60 Hz frames)`,
      );
    case 'step':
      return `\n${at}  ${p('cyan', `[${bar(event.index - 1, event.total)}] ${event.index}/${event.total}`)} ${p('bold', event.title)}`;
    case 'lobby-created':
      return line(p('green', '✓'), `${event.who.name} created lobby ${event.lobbyId} (public, room for ${event.memberLimit})`);
    case 'lobby-data':
      return line(p('dim', '·'), `${event.who.name} set lobby data ${event.key} = ${JSON.stringify(event.value)}`);
    case 'lobbies-found':
      return line(p('dim', '·'), `${event.who.name} listed lobbies (${event.filter}): ${event.found} found — ${event.names.join(', ')}`);
    case 'joined':
      return line(p('green', '✓'), `${event.who.name} joined (${event.members} members)`);
    case 'join-refused': {
      const steam = event.response === undefined ? '' : ` (Steam enter response ${event.response}${event.key === undefined ? '' : `, ${event.key}`})`;
      return line(p('red', '✗'), `${event.who.name} was refused: ${event.reason}${steam}`);
    }
    case 'all-connected':
      return line(p('green', '✓'), `all ${event.members} members connected: ${event.sessions} P2P sessions handshaken both ways`);
    case 'chat':
      return line(p('magenta', '»'), `${event.who.name}: ${JSON.stringify(event.text)} (heard by ${event.heardBy})`);
    case 'traffic':
      return line(
        p('dim', '·'),
        `frame ${event.frame}/${event.frames}: ${event.messages} messages sent, ${event.delivered} delivered, ` +
          `${formatBytes(event.bytes)} on the wire (seed format: ${formatBytes(event.seedBytes)})`,
      );
    case 'link-cut':
      return line(p('yellow', '⚡'), `${event.who.name}'s link is cut (simulated network partition)`);
    case 'sessions-failed':
      return failureLines(event.failures).map((text) => line(p('red', '✗'), text)).join('\n');
    case 'link-restored':
      return line(p('yellow', '⚡'), `${event.who.name}'s link is back`);
    case 'reconnected':
      return line(p('green', '✓'), `${event.who.name} reconnected to ${event.peers} peer${event.peers === 1 ? '' : 's'} on attempt ${event.attempts}`);
    case 'kicked':
      return line(p('red', '✗'), `${event.by.name} kicked ${event.who.name} (${event.who.name} was told: ${event.reason})`);
    case 'owner-left':
      return line(p('dim', '·'), `${event.who.name}, the owner, leaves the lobby`);
    case 'owner-changed':
      return line(p('yellow', '★'), `${event.to.name} is the new owner (announced to all ${event.seenBy} members)`);
    case 'left':
      return line(p('dim', '·'), `${event.who.name} ${event.reason} (${event.sessionsClosed} session${event.sessionsClosed === 1 ? '' : 's'} closed)`);
    case 'all-closed':
      return line(p('green', '✓'), `every session closed: ${event.opened} opened, ${event.closed} closed`);
  }
}

/** A lost link fails many sessions at once: one line per kind of failure, naming a few pairs. */
function failureLines(failures: readonly SessionFailureNote[]): string[] {
  const byCode = new Map<string, SessionFailureNote[]>();
  for (const f of failures) {
    const list = byCode.get(f.code) ?? [];
    list.push(f);
    byCode.set(f.code, list);
  }
  return [...byCode.values()].map((list) => {
    const first = list[0]!;
    const pairs = list.slice(0, 3).map((f) => `${f.who.name}→${f.remote.name}`);
    const more = list.length > 3 ? ` +${list.length - 3} more` : '';
    const waits = list.flatMap((f) => (f.retryInMs === undefined ? [] : [f.retryInMs]));
    const retry =
      waits.length === 0 ? 'no retry left' : `retry in ${Math.min(...waits)}${waits.length > 1 && Math.max(...waits) !== Math.min(...waits) ? `–${Math.max(...waits)}` : ''} ms`;
    const reason = first.reason.replace(/^Session failure with \d+ /, '').replace(/\.$/, '');
    return `${list.length} session${list.length === 1 ? '' : 's'} failed ${reason} (attempt ${first.attempt}): ${pairs.join(', ')}${more}; ${retry}`;
  });
}

/** The live progress line for a terminal (rewritten in place). */
export function renderProgress(progress: { readonly step: number; readonly done: number; readonly of: number }, style: RenderStyle): string {
  const p = painter(style);
  return `          ${p('cyan', bar(progress.done, progress.of, 24))} ${progress.done}/${progress.of} frames`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    '  ' +
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ');
  return [format(header), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)];
}

export function renderSummary(summary: DemoSummary, style: RenderStyle): string {
  const p = painter(style);
  const out: string[] = [];
  out.push('', p('bold', `Summary: ${summary.players} players, seed ${summary.seed}, ${(summary.virtualMs / 1000).toFixed(1)} s of virtual time`), '');
  out.push(p('bold', 'members'));
  out.push(
    ...table(
      ['player', 'steam id', 'chat heard', 'messages in', 'story'],
      summary.members.map((m) => [m.name, String(m.id), String(m.chatHeard), String(m.messagesReceived), m.story.join(', ')]),
      new Set([2, 3]),
    ),
  );
  out.push('', p('bold', 'game messages per channel (bytes on the wire: lobbykit against the seed\'s var2bytes + GZIP, same messages)'));
  const totals = summary.channels.reduce(
    (t, c) => ({ messages: t.messages + c.messages, packets: t.packets + c.packets, delivered: t.delivered + c.delivered, bytes: t.bytes + c.bytes, seedBytes: t.seedBytes + c.seedBytes }),
    { messages: 0, packets: 0, delivered: 0, bytes: 0, seedBytes: 0 },
  );
  const channelRow = (name: string, kind: string, c: typeof totals) => [
    name,
    kind,
    String(c.messages),
    String(c.packets),
    String(c.delivered),
    String(c.bytes),
    String(c.seedBytes),
    String(c.seedBytes - c.bytes),
    percent(c.seedBytes - c.bytes, c.seedBytes),
  ];
  out.push(
    ...table(
      ['channel', 'kind', 'messages', 'packets', 'delivered', 'lobbykit B', 'seed B', 'saved B', 'saved'],
      [
        ...summary.channels.map((c) => channelRow(`${c.channel} ${c.label}`, c.reliable ? 'reliable' : 'unreliable', c)),
        channelRow('total', '', totals),
      ],
      new Set([2, 3, 4, 5, 6, 7, 8]),
    ),
  );
  out.push(`  control frames (handshakes, heartbeats): ${summary.control.packets} packets, ${summary.control.bytes} B`);
  out.push('', p('bold', 'story'));
  out.push(`  lobby            ${summary.lobbyId}, room for ${summary.memberLimit}`);
  out.push(`  refused          ${summary.refused.who.name}: ${summary.refused.reason}`);
  out.push(`  kicked           ${summary.kicked.who.name}, by ${summary.kicked.by.name}`);
  out.push(`  owner            ${summary.ownerChange.from.name} → ${summary.ownerChange.to.name}`);
  out.push(`  chat lines       ${summary.chatLines}`);
  out.push(`  retries          ${summary.retries} failed session attempts retried, ${summary.reconnections} sessions reconnected`);
  out.push(`  sessions         ${summary.sessions.opened} opened, ${summary.sessions.closed} closed`);
  out.push('', p('bold', 'failures by reason'));
  out.push(...table(['count', 'kind/code', 'reason (one example)'], summary.failures.map((f) => [String(f.count), f.key, f.example]), new Set([0])));
  return out.join('\n');
}

/** One row of the codec showcase: the same message in three formats. */
export interface WireBytesRow {
  readonly message: string;
  readonly lobbykit: number;
  /** undefined when the Godot format could not encode it. */
  readonly seed: number | undefined;
  readonly json: number;
}

export function renderWireBytes(rows: readonly WireBytesRow[], style: RenderStyle): string {
  const p = painter(style);
  const cells = rows.map((r) => [
    r.message,
    String(r.lobbykit),
    r.seed === undefined ? 'n/a' : String(r.seed),
    String(r.json),
    r.seed === undefined ? 'n/a' : `${(r.lobbykit / r.seed).toFixed(2)}×`,
  ]);
  return [
    '',
    p('bold', "wire bytes: the codec on the seed tutorial's own messages"),
    ...table(['message', 'lobbykit B', 'seed B', 'JSON B', 'lobbykit / seed'], cells, new Set([1, 2, 3, 4])),
    '',
    '  lobbykit  frame header (2 B) + compact value codec, raw deflate only when it shrinks the packet;',
    "            the handshake is a control frame: the sender's Steam id comes from the transport, not the payload",
    '  seed      Godot 3 var2bytes + PoolByteArray.compress(File.COMPRESSION_GZIP), as _send_P2P_Packet does',
    '            (the chat line goes through sendLobbyChatMsg as text)',
    '  JSON      JSON.stringify, Steam ids as decimal strings',
    '',
  ].join('\n');
}

/** Event types a big lobby repeats once per player; the text timeline shows a few and counts the rest. */
const REPEATING: ReadonlySet<DemoEvent['type']> = new Set(['lobbies-found', 'joined', 'left']);
const SHOWN_PER_RUN = 5;

export interface Timeline {
  /** The lines to print for `event` (none while a long run of the same kind is being counted). */
  push(event: DemoEvent): string[];
  /** Lines still owed at the end (the count of a run in progress). */
  flush(): string[];
}

/**
 * The text timeline: every event rendered, except that a run of more than a few same-kind player events (49
 * players listing lobbies) shows its first few and then one line counting the rest. The JSON log keeps them all.
 */
export function createTimeline(style: RenderStyle): Timeline {
  const p = painter(style);
  let runType: DemoEvent['type'] | undefined;
  let runLength = 0;
  let hidden: DemoEvent | undefined;
  const close = (): string[] => {
    const out: string[] = [];
    const skipped = runLength - SHOWN_PER_RUN;
    if (skipped > 0 && hidden !== undefined) {
      out.push(`${p('dim', seconds(hidden.t))}  ${p('dim', '·')} … and ${skipped} more like ${skipped === 1 ? 'it' : 'these'}`);
    }
    runType = undefined;
    runLength = 0;
    hidden = undefined;
    return out;
  };
  return {
    push(event) {
      if (REPEATING.has(event.type) && event.type === runType) {
        runLength++;
        if (runLength > SHOWN_PER_RUN) {
          hidden = event;
          return [];
        }
        return [renderEvent(event, style)];
      }
      const out = close();
      if (REPEATING.has(event.type)) {
        runType = event.type;
        runLength = 1;
      }
      out.push(renderEvent(event, style));
      return out;
    },
    flush: close,
  };
}
