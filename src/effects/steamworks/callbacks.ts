/**
 * Sharing Steam's callbacks between the game and lobbykit. steamworks.js keeps ONE handler per callback id for the
 * whole process (steamworks-rs callback.rs:45-53): a later `callback.register` for the same id replaces the earlier
 * one, and any handle's `disconnect()` removes whatever is registered under that id (callback.rs:23-28). So
 * lobbykit owns the native registration and fans each callback out to every subscriber: `steamworksCallbacks(client)`
 * is the one hub for that client (kept on its `callback` namespace, which every `init()` result shares), and it
 * puts its own `register` in place of `client.callback.register`, so a game that registers the usual way after
 * lobbykit starts is one more subscriber instead of silently replacing lobbykit. `intact` tells whether that is
 * still so; the adapter reports a typed problem when it is not.
 */
import type { SteamworksCallbackHandle, SteamworksCallbackId, SteamworksCallbackPayloads, SteamworksClient } from './client-types.js';

const HUB = Symbol.for('lobbykit.steamworks.callbacks');

/** What a backend reports when `client.callback.register` is no longer the hub's. */
export const UNSHARED_DETAIL =
  "client.callback.register is no longer lobbykit's: a callback registered through it now replaces lobbykit's own (steamworks.js keeps one handler per callback id). Register game callbacks with steamworksCallbacks(client).register, or leave client.callback.register as lobbykit set it.";

type AnyHandler = (value: unknown) => void;

export interface SteamworksCallbackHub {
  /**
   * Adds `handler` for `id` beside every other handler; the handle's `disconnect()` removes this one only. The same
   * function is what `client.callback.register` is once the hub is installed.
   */
  register<C extends SteamworksCallbackId>(id: C, handler: (value: SteamworksCallbackPayloads[C]) => void): SteamworksCallbackHandle;
  /** Whether `client.callback.register` is still the hub's (false: something replaced it, and sharing is off). */
  readonly intact: boolean;
  /** Whether the hub could be installed on the client at all (false when its `callback` namespace is frozen). */
  readonly installed: boolean;
}

interface Hub extends SteamworksCallbackHub {
  readonly [HUB]: true;
}

function existingHub(namespace: object): Hub | undefined {
  const hub = (namespace as { [HUB]?: unknown })[HUB];
  return typeof hub === 'object' && hub !== null && (hub as Hub)[HUB] === true ? (hub as Hub) : undefined;
}

/**
 * The callback hub of `client`: made and installed on first use, the same object afterwards (for every backend
 * over this client, and for the game). Register game callbacks through it, or through `client.callback.register`
 * after this first call: registrations made before it are replaced by lobbykit's, as steamworks.js would.
 */
export function steamworksCallbacks(client: SteamworksClient): SteamworksCallbackHub {
  const namespace = client.callback;
  const found = existingHub(namespace);
  if (found !== undefined) return found;
  const nativeRegister = namespace.register as (id: number, handler: AnyHandler) => SteamworksCallbackHandle;
  const subscribers = new Map<number, Set<AnyHandler>>();
  const native = new Map<number, SteamworksCallbackHandle>();

  const fanOut =
    (id: number): AnyHandler =>
    (value) => {
      const set = subscribers.get(id);
      if (set === undefined) return;
      let failure: { readonly thrown: unknown } | undefined;
      // Every subscriber hears it even if one throws; the first throw is passed on, as a lone handler's would be.
      for (const handler of [...set]) {
        try {
          handler(value);
        } catch (thrown) {
          failure ??= { thrown };
        }
      }
      if (failure !== undefined) throw failure.thrown;
    };

  const register = (id: number, handler: AnyHandler): SteamworksCallbackHandle => {
    let set = subscribers.get(id);
    if (set === undefined) {
      set = new Set();
      subscribers.set(id, set);
    }
    // The native registration is made before the subscriber is added, so a throw (a bad id) leaves nothing behind.
    if (!native.has(id)) native.set(id, nativeRegister(id, fanOut(id)));
    const entry: AnyHandler = (value) => handler(value);
    set.add(entry);
    let connected = true;
    return {
      disconnect: () => {
        if (!connected) return;
        connected = false;
        set.delete(entry);
        if (set.size > 0) return;
        subscribers.delete(id);
        native.get(id)?.disconnect();
        native.delete(id);
      },
    };
  };

  const hub: Hub = {
    [HUB]: true,
    register: register as SteamworksCallbackHub['register'],
    get intact() {
      return namespace.register === hub.register;
    },
    installed: false,
  };
  try {
    Object.defineProperty(namespace, HUB, { value: hub, enumerable: false, configurable: true });
    Object.defineProperty(namespace, 'register', { value: hub.register, writable: true, enumerable: true, configurable: true });
    (hub as { installed: boolean }).installed = true;
  } catch {
    // A frozen namespace: the hub still fans out for lobbykit, but the game's own registrations bypass it.
  }
  return hub;
}
