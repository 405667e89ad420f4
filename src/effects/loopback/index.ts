/** The loopback backend's public surface: connect to `lobbykit serve` and get a Backend. */
export { createLoopbackBackend, type LoopbackBackendOptions } from './connect.js';
export { LoopbackBackend, type LoopbackServiceError, type LoopbackTransport } from './loopback-backend.js';
export { LOOPBACK_CAPABILITIES } from './capabilities.js';
export { LOOPBACK_PROTOCOL_VERSION } from './protocol.js';
