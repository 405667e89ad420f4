/**
 * Compile-time only (`npm run typecheck`, part of `npm test`): lobbykit's own steamworks.js client types against
 * the declarations steamworks.js ships. The published types must not import steamworks.js, so they restate it;
 * this file is what keeps the restatement true. A line here fails to compile when the two disagree.
 */
import type { Client, init } from 'steamworks.js';
import type { CallbackReturns } from 'steamworks.js/callbacks.js';
import type { networking } from 'steamworks.js/client.js';
import type {
  SteamCallbackId,
  SteamworksCallbackPayloads,
  SteamworksClient,
  SteamworksLobby,
  SteamworksP2PPacket,
  SteamworksPlayerSteamId,
} from '../../src/effects/steamworks/client-types.js';

/** Compiles only when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const holds = <T extends true>(): T | undefined => undefined;

// The real client can be handed to lobbykit: every member lobbykit declares exists with a type that accepts what
// lobbykit passes and gives back no more than lobbykit handles.
holds<Assignable<ReturnType<typeof init>, SteamworksClient>>();
holds<Assignable<Client, SteamworksClient>>();

// The shapes steamworks.js hands back are the same both ways, so the simulator's stand-ins pass for the real ones.
type Lobby = InstanceType<Client['matchmaking']['Lobby']>;
holds<Assignable<Lobby, SteamworksLobby>>();
holds<Assignable<SteamworksLobby, Lobby>>();
holds<Assignable<ReturnType<Client['localplayer']['getSteamId']>, SteamworksPlayerSteamId>>();
holds<Assignable<SteamworksPlayerSteamId, ReturnType<Client['localplayer']['getSteamId']>>>();
holds<Assignable<networking.P2PPacket, SteamworksP2PPacket>>();
holds<Assignable<SteamworksP2PPacket, networking.P2PPacket>>();

// The callback ids are the const enum's values, and each payload is what steamworks.js declares for that id
// (lobbykit's LobbyChatUpdate payload is wider on purpose: the state arrives as a name).
type Id = (typeof SteamCallbackId)[keyof typeof SteamCallbackId];
holds<Assignable<Id, keyof CallbackReturns>>();
type SamePayload<K extends Id> = Assignable<CallbackReturns[K], SteamworksCallbackPayloads[K]>;
holds<SamePayload<0> & SamePayload<1> & SamePayload<2> & SamePayload<3> & SamePayload<4>>();
holds<SamePayload<5> & SamePayload<6> & SamePayload<7> & SamePayload<8>>();
type Back<K extends Exclude<Id, 5>> = Assignable<SteamworksCallbackPayloads[K], CallbackReturns[K]>;
holds<Back<0> & Back<1> & Back<2> & Back<3> & Back<4> & Back<6> & Back<7> & Back<8>>();
type Named = { readonly [K in keyof typeof SteamCallbackId]: Assignable<(typeof SteamCallbackId)[K], `${Client['callback']['SteamCallback'][K]}` extends `${infer N extends number}` ? N : never> };
holds<Named[keyof Named]>();
