// The pure statecharts (no I/O): the runtime creates them with its effects in their input and translates backend
// events into their events. Re-exported by the package root.
export * from './backoff.js';
export * from './effects.js';
export * from './lobby-list.machine.js';
export * from './lobby.machine.js';
export * from './member-table.js';
export * from './peer-pool.js';
export * from './peer-session.machine.js';
export * from './session.machine.js';
export * from './serialize.js';
export * from './vote-kick.machine.js';
