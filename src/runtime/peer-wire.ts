/**
 * What each remote member speaks on the wire: lobbykit's frames, or the seed tutorial's protocol — Godot's
 * `var2bytes(Dictionary)`, GZIP'd or not, from Godot 3 or Godot 4. A member's wire is fixed by the first thing
 * that shows it — its lobby member data (lobbykit runtimes declare themselves) or its own first packet — and never
 * changes after: packets come stamped with their sender by the transport, so no one else can pick a member's wire.
 */
import { LOBBYKIT_KEY_PREFIX } from './lobby-state.js';

export type GodotVersion = 3 | 4;

export type PeerWire =
  | { readonly kind: 'lobbykit' }
  | { readonly kind: 'tutorial'; readonly godot: GodotVersion; readonly gzip: boolean };

export type TutorialWire = Extract<PeerWire, { kind: 'tutorial' }>;

/** The one lobbykit wire object, so the data plane tells it apart with one comparison. */
export const LOBBYKIT_WIRE: PeerWire = Object.freeze({ kind: 'lobbykit' });

const TUTORIAL_WIRES: readonly TutorialWire[] = [
  Object.freeze({ kind: 'tutorial', godot: 3, gzip: false }),
  Object.freeze({ kind: 'tutorial', godot: 3, gzip: true }),
  Object.freeze({ kind: 'tutorial', godot: 4, gzip: false }),
  Object.freeze({ kind: 'tutorial', godot: 4, gzip: true }),
];

/** The shared wire object for a tutorial peer of this engine version and compression. */
export function tutorialWire(godot: GodotVersion, gzip: boolean): TutorialWire {
  return TUTORIAL_WIRES[(godot === 3 ? 0 : 2) + (gzip ? 1 : 0)]!;
}

/** Lobby member data key a lobbykit runtime sets on itself, so members know its wire before its first packet. */
export const WIRE_MEMBER_DATA_KEY = `${LOBBYKIT_KEY_PREFIX}wire`;
export const WIRE_MEMBER_DATA_VALUE = 'lobbykit/1';

/** Every lobbykit frame starts with format version 1 in bits 7–6 of its first byte (codec/frame.ts). */
export function looksLikeLobbykitFrame(bytes: Uint8Array): boolean {
  const first = bytes[0];
  return first !== undefined && first >>> 6 === 1;
}

/** How to open to a member that has not shown its wire yet: the GodotSteam game this lobby may be shared with. */
export interface TutorialOptions {
  /** The Godot version of the tutorial peers (default 3, the tutorial's). */
  readonly godotVersion?: GodotVersion;
  /** Whether they GZIP their packets (default 'gzip', the tutorial's final `_send_P2P_Packet`). */
  readonly compression?: 'gzip' | 'none';
}

export function openingWire(options: TutorialOptions | undefined): TutorialWire {
  return tutorialWire(options?.godotVersion ?? 3, (options?.compression ?? 'gzip') === 'gzip');
}
