// The pure statecharts (no I/O): the runtime creates them, translates backend events into their events, and
// supplies the effects with `.provide()`. Re-exported by the package root.
export * from './backoff.js';
export * from './enter-response.js';
export * from './launch-args.js';
export * from './lobby-request.js';
export * from './lobby.machine.js';
export * from './member-change.js';
export * from './member-table.js';
export * from './peer-pool.js';
export * from './peer-session.machine.js';
export * from './session-error.js';
export * from './session.machine.js';
export * from './serialize.js';
