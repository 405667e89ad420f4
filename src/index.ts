export { createSystemClock, VirtualClock } from './effects/clock.js';
export type { LobbyClock } from './effects/clock.js';
export * from './effects/index.js';
export * from './effects/loopback/index.js';
export * from './machines/index.js';
