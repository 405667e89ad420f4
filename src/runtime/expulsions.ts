/**
 * The lobby's expulsions, shared through lobby data: the owner publishes every user it kicked or banned under
 * `lobbykit:expelled`, so a member who enters after the kick knows it too. Without it a newcomer admits a kicked
 * user who comes back, and reads their packets, for the frames until the owner kicks them again. Only the owner can
 * write lobby data (Steam's rule), so the list is the owner's word; it holds the ids expelled most recently (a
 * user kicked again counts from that kick) that fit in one value.
 */
import { encodeChatNotice } from '../codec/chat-notice.js';
import { isSteamId, MAX_LOBBY_DATA_VALUE_BYTES } from '../steam/index.js';
import type { RuntimeCore } from './core.js';
import { LOBBYKIT_KEY_PREFIX } from './lobby-state.js';

export const EXPELLED_LOBBY_DATA_KEY = `${LOBBYKIT_KEY_PREFIX}expelled`;

/** Decimal ids, comma-separated, newest last; the oldest are left out when they would not fit in one value. */
export function formatExpelled(ids: readonly bigint[]): string {
  let text = '';
  for (let i = ids.length - 1; i >= 0; i--) {
    const next = text === '' ? ids[i]!.toString() : `${ids[i]!.toString()},${text}`;
    // Decimal digits and commas are one byte each in UTF-8.
    if (next.length > MAX_LOBBY_DATA_VALUE_BYTES) break;
    text = next;
  }
  return text;
}

/** The ids a published list names; anything that is not a Steam id in decimal is skipped. */
export function parseExpelled(value: string): bigint[] {
  const ids: bigint[] = [];
  if (value === '') return ids;
  for (const part of value.split(',')) {
    if (!/^[1-9]\d{0,19}$/.test(part)) continue;
    const id = BigInt(part);
    if (isSteamId(id)) ids.push(id);
  }
  return ids;
}

/** What the owner of `lobbyId` has published as expelled (never the owner itself). */
export function publishedExpulsions(core: RuntimeCore, lobbyId: bigint): bigint[] {
  const value = core.reporter.guarded('lobbyData', () => core.backend.getLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY));
  const owner = core.reporter.guarded('lobbyData', () => core.backend.getLobbyOwner(lobbyId));
  return typeof value === 'string' ? parseExpelled(value).filter((id) => id !== owner) : [];
}

/**
 * As owner, after a kick or ban: publish everyone expelled from this lobby. A refusal (ownership moved meanwhile)
 * is reported as one of `command`: the game must hear that newcomers will not know of this expulsion.
 */
export function publishExpulsions(core: RuntimeCore, command: 'kick' | 'ban'): void {
  const { backend, directory, reporter } = core;
  const lobbyId = directory.lobbyId;
  if (lobbyId === undefined) return;
  const value = formatExpelled(directory.expelled);
  const published = reporter.guarded(command, () => backend.setLobbyData(lobbyId, EXPELLED_LOBBY_DATA_KEY, value));
  if (published === false) reporter.refused(command, backend);
}

/**
 * As owner, someone expelled came back to Steam's lobby: kick them again, and publish them as the newest expelled
 * (unless they are already), so a full list keeps them.
 */
export function reExpel(core: RuntimeCore, id: bigint): void {
  const { backend, directory, reporter } = core;
  const lobbyId = directory.lobbyId;
  if (lobbyId === undefined) return;
  // Without Steam's kick (steamworks.js) the notice is the kick, as for the first one.
  if (backend.capabilities.kickAndBan === 'absent') reporter.guarded('kick', () => backend.sendLobbyChat(lobbyId, encodeChatNotice({ kind: 'expel', target: id, ban: false })));
  else reporter.guarded('kick', () => backend.kickLobbyMember(lobbyId, id));
  // One who keeps coming back is newest already: no lobby data write (and update to every member) per return.
  if (directory.expelled.at(-1) === id) return;
  directory.expel(id);
  publishExpulsions(core, 'kick');
}

/**
 * Our lobby's data changed: anyone newly published as expelled is kept out from now on, and one we had admitted
 * meanwhile leaves our member list and has their session closed, as when we see a kick happen.
 */
export function learnExpulsions(core: RuntimeCore): void {
  const { directory } = core;
  const lobbyId = directory.lobbyId;
  if (lobbyId === undefined) return;
  for (const id of publishedExpulsions(core, lobbyId)) {
    if (id === core.selfId || directory.isExpelled(id)) continue;
    const present = directory.has(id);
    directory.expel(id);
    if (!present) continue;
    core.forgetPeer(id);
    core.toMachines({ type: 'member.changed', memberId: id, change: 'kicked', changedBy: directory.ownerId ?? id });
  }
}
