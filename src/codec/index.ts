// `lobbykit/codec`: bytes only — the lobbykit frame and payload codecs, and the Godot 3 and Godot 4 wire formats.
export * from './result.js';
export {
  FRAME_VERSION,
  FrameKind,
  PayloadCodecId,
  MAX_CHANNEL,
  MAX_FRAME_HEADER_BYTES,
  readFrameHeader,
  peekChannel,
  writeFrameHeader,
  encodeFrameHeader,
  frameHeaderLength,
  isValidChannel,
  type FrameHeader,
  type FrameHeaderFields,
} from './frame.js';
export {
  ControlOp,
  GoodbyeReason,
  encodeControlFrame,
  decodeControlPayload,
  type ControlMessage,
  type HandshakeMessage,
  type HandshakeAckMessage,
  type HeartbeatMessage,
  type HeartbeatAckMessage,
  type GoodbyeMessage,
} from './control.js';
export {
  createPacketCodec,
  DEFAULT_MAX_DECODED_BYTES,
  DEFAULT_COMPRESSION_THRESHOLD,
  type PacketCodec,
  type PacketCodecOptions,
  type EncodeOptions,
  type UserPayloadCodec,
  type PayloadCodecName,
  type DecodedPacket,
  type DecodedDataPacket,
  type DecodedControlPacket,
} from './packet-codec.js';
export { encodeValue, decodeValue, DEFAULT_MAX_DEPTH } from './value-codec.js';
export { toTaggedJson, fromTaggedJson } from './tagged-json.js';
export * from './godot/index.js';
export { MAX_UNRELIABLE_BYTES, MAX_RELIABLE_BYTES } from '../steam/p2p.js';
