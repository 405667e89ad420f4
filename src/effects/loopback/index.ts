/** The loopback backend's public surface: connect to `lobbykit serve` and get a Backend. */
export { createLoopbackBackend, type LoopbackBackendOptions } from './connect.js';
export { LoopbackBackend, type LoopbackBackendInit, type LoopbackServiceError, type LoopbackTransport } from './loopback-backend.js';
export type { ServiceErrorCode } from './server-messages.js';
export type { ControlProblem } from './client-ops.js';
export { LOOPBACK_CAPABILITIES } from './capabilities.js';
export { LOOPBACK_PROTOCOL_VERSION } from './protocol.js';
