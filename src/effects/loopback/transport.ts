/**
 * The seams between the loopback backend and the world: how it reaches the service (a WebSocket in production,
 * anything in unit tests) and how it reports what the service refused or sent unreadably.
 */
import type { ServiceErrorCode } from './server-messages.js';

/** How the backend reaches the service; a WebSocket in production, anything in unit tests. */
export interface LoopbackTransport {
  isOpen(): boolean;
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  close(code: number, reason: string): Promise<void>;
}

/** Something the service refused or a message from it this client could not read. */
export interface LoopbackServiceError {
  readonly code: ServiceErrorCode | 'bad-service-message';
  readonly detail: string;
  readonly op?: string;
}
