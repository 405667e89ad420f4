export { createLoopbackBackend, type LoopbackBackendOptions } from './connect.js';
export { LoopbackBackend, type LoopbackServiceError, type LoopbackTransport } from './loopback-backend.js';
export { LOOPBACK_CAPABILITIES } from './capabilities.js';
export { LOOPBACK_PROTOCOL_VERSION } from './protocol.js';
