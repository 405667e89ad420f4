// Steam's vocabulary, defined once: every layer (machines, effects, codec, runtime) imports it from here.
export * from './enter-response.js';
export * from './ids.js';
export * from './launch-args.js';
export * from './lobby.js';
export * from './member-state.js';
export * from './p2p.js';
export * from './persona.js';
export * from './session-error.js';
export * from './steam-error.js';
