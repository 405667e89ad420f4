/**
 * Compile-time only (`npm run typecheck`, part of `npm test`): lobbykit's own steamworks.js client types against
 * the declarations steamworks.js 0.4 and @pipelab/steamworks.js ship. The published types must not import either
 * package, so they restate them; this file is what keeps the restatement true. A line here fails to compile when
 * they disagree.
 */
import type { Client as PipelabClient, init as pipelabInit } from '@pipelab/steamworks.js';
import type { CallbackReturns as PipelabCallbackReturns } from '@pipelab/steamworks.js/callbacks.js';
import type { Client, init } from 'steamworks.js';
import type { CallbackReturns } from 'steamworks.js/callbacks.js';
import type { networking } from 'steamworks.js/client.js';
import type {
  SteamCallbackId,
  SteamworksCallbackPayloads,
  SteamworksClient,
  SteamworksFriends,
  SteamworksLobby,
  SteamworksNetworking,
  SteamworksP2PPacket,
  SteamworksPlayerSteamId,
} from '../../src/effects/steamworks/client-types.js';

/** Compiles only when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const holds = <T extends true>(): T | undefined => undefined;

// Either real client can be handed to lobbykit: every member lobbykit declares exists with a type that accepts what
// lobbykit passes and gives back no more than lobbykit handles.
holds<Assignable<ReturnType<typeof init>, SteamworksClient>>();
holds<Assignable<Client, SteamworksClient>>();
holds<Assignable<ReturnType<typeof pipelabInit>, SteamworksClient>>();
holds<Assignable<PipelabClient, SteamworksClient>>();

// The fork's extras are the optional members, present and with the fork's types (so feature detection finds them).
holds<Assignable<PipelabClient['friends'], SteamworksFriends>>();
type Extras = 'sendP2PPacketOnChannel' | 'isP2PPacketAvailableOnChannel' | 'readP2PPacketFromChannel';
holds<Assignable<Pick<PipelabClient['networking'], Extras>, Required<Pick<SteamworksNetworking, Extras>>>>();

// The shapes steamworks.js hands back are the same both ways, so the simulator's stand-ins pass for the real ones.
type Lobby = InstanceType<Client['matchmaking']['Lobby']>;
holds<Assignable<Lobby, SteamworksLobby>>();
holds<Assignable<SteamworksLobby, Lobby>>();
holds<Assignable<ReturnType<Client['localplayer']['getSteamId']>, SteamworksPlayerSteamId>>();
holds<Assignable<SteamworksPlayerSteamId, ReturnType<Client['localplayer']['getSteamId']>>>();
holds<Assignable<networking.P2PPacket, SteamworksP2PPacket>>();
holds<Assignable<SteamworksP2PPacket, networking.P2PPacket>>();

// The callback ids are the const enum's values, and every payload either package declares fits lobbykit's, which
// is wider on purpose: it is typed as the payloads arrive (a reason's name, a null, a small id as a number).
type Id = (typeof SteamCallbackId)[keyof typeof SteamCallbackId];
holds<Assignable<Id, keyof CallbackReturns>>();
type Fits<R, K extends Id> = K extends keyof R ? Assignable<R[K], SteamworksCallbackPayloads[K]> : false;
holds<Fits<CallbackReturns, 0> & Fits<CallbackReturns, 1> & Fits<CallbackReturns, 2> & Fits<CallbackReturns, 3>>();
holds<Fits<CallbackReturns, 4> & Fits<CallbackReturns, 5> & Fits<CallbackReturns, 6> & Fits<CallbackReturns, 7>>();
holds<Fits<CallbackReturns, 8>>();
holds<Fits<PipelabCallbackReturns, 0> & Fits<PipelabCallbackReturns, 2> & Fits<PipelabCallbackReturns, 5> & Fits<PipelabCallbackReturns, 8>>();
type Named = { readonly [K in keyof typeof SteamCallbackId]: Assignable<(typeof SteamCallbackId)[K], `${Client['callback']['SteamCallback'][K]}` extends `${infer N extends number}` ? N : never> };
holds<Named[keyof Named]>();
