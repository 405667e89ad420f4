export { createSystemClock, VirtualClock } from './effects/clock.js';
export type { LobbyClock } from './effects/clock.js';
