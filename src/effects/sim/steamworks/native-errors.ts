/**
 * How steamworks.js fails, as the simulator shows it: a napi Error (a message and a status code) where the real
 * package throws or rejects, and SimulatedNativeAbort where it would panic in native code and take the process down.
 */

/**
 * Thrown where the real steamworks.js would panic in a synchronous native call and abort the process (exit 134):
 * a call with no live client, a NUL in a lobby data key or value, lobby data that is not UTF-8. A test can catch
 * it; a game on real Steam would not get the chance.
 */
export class SimulatedNativeAbort extends Error {
  override readonly name = 'SimulatedNativeAbort';
}

/** An Error as napi makes it from a Rust `Error::from_reason` (status GenericFailure: napi 2.16.8 error.rs:149-155). */
export function napiError(message: string, code = 'GenericFailure'): Error {
  return Object.assign(new Error(message), { code });
}
