/** The loopback service's public surface (`lobbykit/loopback-server`): start it in-process, as `lobbykit serve` does. */
export {
  startLoopbackService,
  DEFAULT_LOOPBACK_HOST,
  DEFAULT_LOOPBACK_PORT,
  type LoopbackService,
  type LoopbackServiceOptions,
  type LoopbackServiceStats,
} from './service.js';
export { isLoopbackHost } from './loopback-host.js';
