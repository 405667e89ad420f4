/**
 * What `lobbykit bot` prints: one line per thing it sees or does, as text for a person at a terminal or, with
 * `--json`, as one JSON object per line for a program. Steam IDs are decimal strings in JSON (a JSON number would
 * lose their low bits); message values are lobbykit's tagged JSON (codec/tagged-json.ts), which says bigints, byte
 * arrays and Maps without loss, in both forms.
 */
import { toTaggedJson } from '../codec/tagged-json.js';

/** Someone in the lobby, as a line names them. */
export interface Who {
  readonly id: bigint;
  readonly name: string;
}

export type BotLine =
  | { readonly event: 'connected'; readonly url: string; readonly self: Who }
  | { readonly event: 'hosting'; readonly lobby: bigint }
  | { readonly event: 'found'; readonly lobbies: readonly bigint[] }
  | { readonly event: 'joined'; readonly lobby: bigint; readonly owner: Who | undefined }
  | { readonly event: 'member-joined'; readonly member: Who }
  | { readonly event: 'member-left'; readonly member: Who }
  | { readonly event: 'handshake'; readonly member: Who }
  | { readonly event: 'session-closed'; readonly member: Who; readonly reason: string }
  | { readonly event: 'message'; readonly from: Who; readonly channel: number; readonly value: unknown }
  | { readonly event: 'sent'; readonly to: Who; readonly channel: number; readonly value: unknown }
  | { readonly event: 'chat'; readonly from: Who; readonly text: string }
  | { readonly event: 'said'; readonly text: string }
  | { readonly event: 'error'; readonly kind: string; readonly reason: string }
  | { readonly event: 'stopped'; readonly status: number; readonly reason: string };

function who(member: Who): string {
  return `${member.name} (${member.id})`;
}

function valueText(value: unknown): string {
  return JSON.stringify(toTaggedJson(value));
}

/** The line as a person reads it. */
export function lineText(line: BotLine): string {
  switch (line.event) {
    case 'connected':
      return `connected to ${line.url} as ${who(line.self)}`;
    case 'hosting':
      return `hosting lobby ${line.lobby}: start your game with +connect_lobby ${line.lobby}`;
    case 'found':
      return `found ${line.lobbies.length === 1 ? 'lobby' : 'lobbies'} ${line.lobbies.join(', ')}`;
    case 'joined':
      return `joined lobby ${line.lobby}${line.owner === undefined ? '' : `, owned by ${who(line.owner)}`}`;
    case 'member-joined':
      return `member joined: ${who(line.member)}`;
    case 'member-left':
      return `member left: ${who(line.member)}`;
    case 'handshake':
      return `handshake with ${who(line.member)}: session connected`;
    case 'session-closed':
      return `session with ${who(line.member)} closed (${line.reason})`;
    case 'message':
      return `message from ${who(line.from)} on channel ${line.channel}: ${valueText(line.value)}`;
    case 'sent':
      return `echoed to ${who(line.to)} on channel ${line.channel}: ${valueText(line.value)}`;
    case 'chat':
      return `chat from ${who(line.from)}: ${line.text}`;
    case 'said':
      return `said in chat: ${line.text}`;
    case 'error':
      return `error (${line.kind}): ${line.reason}`;
    case 'stopped':
      return `lobbykit bot: ${line.reason}`;
  }
}

function whoJson(member: Who): { id: string; name: string } {
  return { id: String(member.id), name: member.name };
}

/** The line as one JSON object. */
export function lineJson(line: BotLine): string {
  switch (line.event) {
    case 'connected':
      return JSON.stringify({ event: line.event, url: line.url, self: whoJson(line.self) });
    case 'hosting':
      return JSON.stringify({ event: line.event, lobby: String(line.lobby) });
    case 'found':
      return JSON.stringify({ event: line.event, lobbies: line.lobbies.map(String) });
    case 'joined':
      return JSON.stringify({ event: line.event, lobby: String(line.lobby), owner: line.owner === undefined ? null : whoJson(line.owner) });
    case 'member-joined':
    case 'member-left':
    case 'handshake':
      return JSON.stringify({ event: line.event, member: whoJson(line.member) });
    case 'session-closed':
      return JSON.stringify({ event: line.event, member: whoJson(line.member), reason: line.reason });
    case 'message':
      return JSON.stringify({ event: line.event, from: whoJson(line.from), channel: line.channel, value: toTaggedJson(line.value) });
    case 'sent':
      return JSON.stringify({ event: line.event, to: whoJson(line.to), channel: line.channel, value: toTaggedJson(line.value) });
    case 'chat':
      return JSON.stringify({ event: line.event, from: whoJson(line.from), text: line.text });
    case 'said':
      return JSON.stringify({ event: line.event, text: line.text });
    case 'error':
      return JSON.stringify({ event: line.event, kind: line.kind, reason: line.reason });
    case 'stopped':
      return JSON.stringify({ event: line.event, status: line.status, reason: line.reason });
  }
}
