/**
 * The seed tutorial's messages, built deterministically, so the demo, the benchmark and the tests compare the
 * same bytes. Shapes follow the GDScript: `{message: "handshake", from: STEAM_ID}` and LOBBY_MEMBERS entries
 * `{steam_id, steam_name}`; the 8-player state update is a typical per-tick dictionary (248 B as JSON).
 */

/** Steam's individual-account base (universe 1, type 1, instance 1); account ids are added to it. */
const STEAM_ID_BASE = 76561197960265728n;

/** A fixed LCG so member ids and names are the same on every run and machine. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
}

export const SEED_LOCAL_STEAM_ID = STEAM_ID_BASE + 62_191_061n;
export const SEED_LOBBY_ID = 109775241021923455n;

/** The seed's `_make_P2P_Handshake()` payload. */
export function seedHandshake(): { message: string; from: bigint } {
  return { message: 'handshake', from: SEED_LOCAL_STEAM_ID };
}

/** A lobby chat line (the seed sends it with `sendLobbyChatMsg`, as text). */
export const SEED_CHAT_LINE = 'gg! rematch on the ice map?';

export interface PlayerState {
  x: number;
  y: number;
  hp: number;
}

/** One tick of 8 players' positions (quarter-unit precision, as a game snaps them) and health. */
export function seedStateUpdate(): { tick: number; players: PlayerState[] } {
  const next = lcg(8);
  const players = Array.from({ length: 8 }, () => ({
    x: (next() % 200) / 4,
    y: (next() % 200) / 4,
    hp: next() % 101,
  }));
  return { tick: 48213, players };
}

const SYLLABLES = ['ka', 'zu', 'mi', 'ro', 'vex', 'an', 'tor', 'li', 'qua', 'sen', 'dra', 'po'];

/** The seed's LOBBY_MEMBERS for a full 250-member lobby, with the lobby id. */
export function seedLobbySnapshot(): { lobby_id: bigint; members: { steam_id: bigint; steam_name: string }[] } {
  const next = lcg(250);
  const members = Array.from({ length: 250 }, () => {
    const id = STEAM_ID_BASE + BigInt(next() % 1_200_000_000);
    const parts = 2 + (next() % 2);
    let name = '';
    for (let i = 0; i < parts; i++) name += SYLLABLES[next() % SYLLABLES.length]!;
    name = name[0]!.toUpperCase() + name.slice(1) + (next() % 3 === 0 ? String(next() % 1000) : '');
    return { steam_id: id, steam_name: name };
  });
  return { lobby_id: SEED_LOBBY_ID, members };
}

/** The value with bigints as decimal strings: what a JS developer sends through JSON.stringify. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}
