/**
 * `lobbykit codec`: encodes and decodes one value in lobbykit's wire or Godot's (3 or 4, optionally GZIP), from
 * arguments or stdin, and says what is wrong with bad input in one line.
 */
import { Option, type Command } from 'commander';
import type { ControlMessage } from '../codec/control.js';
import { createPacketCodec, type PayloadCodecName } from '../codec/packet-codec.js';
import { CodecEncodeError, type CodecError, type CodecResult } from '../codec/result.js';
import { fromTaggedJson, toTaggedJson } from '../codec/tagged-json.js';
import type { CliIo } from './main.js';

type Format = 'lobbykit' | 'godot3' | 'godot4';
interface CodecFlags {
  readonly format: Format;
  readonly gzip?: boolean;
}

/** Bad input: the one line the issue asks for, naming the problem and (where it applies) the byte offset. */
class InputProblem {
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly offset?: number,
  ) {}
  static from(error: CodecError): InputProblem {
    return new InputProblem(error.code, error.detail, error.offset);
  }
  line(command: string): string {
    const where = this.offset === undefined ? '' : ` at byte ${this.offset}`;
    return `lobbykit codec ${command}: ${this.code}${where}: ${this.detail.replace(/\s+/g, ' ')}\n`;
  }
}

function unwrap<T>(result: CodecResult<T>): T {
  if (!result.ok) throw InputProblem.from(result);
  return result.value;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

/** True when JSON.parse(text) fails only because the text stops early (a prefix of some valid JSON). */
function failsOnlyAtEnd(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    const position = /position (\d+)/.exec(message);
    return /end of JSON/.test(message) || (position !== null && Number(position[1]) >= text.length);
  }
}

/**
 * The character where JSON.parse gives up. V8 does not always say (Node 20: "Unexpected token '}', …"), so find
 * the shortest prefix that fails for a reason other than ending early — a binary search over prefixes.
 */
function jsonErrorIndex(text: string): number {
  if (failsOnlyAtEnd(text)) return text.length;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (failsOnlyAtEnd(text.slice(0, mid + 1))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** JSON.parse with the failure as an InputProblem at a byte offset. */
function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputProblem('bad-utf8', 'stdin is not UTF-8 JSON');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new InputProblem('bad-json', message, Buffer.byteLength(text.slice(0, jsonErrorIndex(text))));
  }
}

const lobbykitCodec = createPacketCodec();

function decodeLobbykit(bytes: Uint8Array): unknown {
  const packet = unwrap(lobbykitCodec.decode(bytes));
  if (packet.kind === 'control') return { kind: 'control', channel: packet.channel, message: packet.message };
  return {
    kind: packet.kind,
    channel: packet.channel,
    codec: packet.codec,
    compressed: packet.compressed,
    value: toTaggedJson(packet.value),
  };
}

function field(o: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, name) ? o[name] : undefined;
}

function encodeLobbykit(json: unknown): Uint8Array {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputProblem('bad-payload', 'expected the object `lobbykit codec decode` prints: {"kind", "channel", "codec", "value"} or {"kind":"control", "channel", "message"}');
  }
  const o = json as Record<string, unknown>;
  const kind = field(o, 'kind') ?? 'application';
  const channel = field(o, 'channel') ?? 0;
  if (typeof channel !== 'number') throw new InputProblem('bad-payload', '"channel" must be a number');
  if (kind === 'control') {
    const message = field(o, 'message');
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      throw new InputProblem('bad-payload', 'a control packet needs "message", the object `lobbykit codec decode` prints, e.g. {"kind":"control","channel":0,"message":{"type":"heartbeat","seq":1}}');
    }
    return unwrap(lobbykitCodec.encodeControl(message as ControlMessage, channel));
  }
  if (kind !== 'application') throw new InputProblem('unknown-kind', `"kind" must be application or control, not ${JSON.stringify(kind)}`);
  const codec = (field(o, 'codec') ?? 'value') as PayloadCodecName;
  // A bare game value (`{"x":1}`) is the likeliest mistake: say what shape is expected rather than "undefined".
  if (!Object.prototype.hasOwnProperty.call(o, 'value')) {
    throw new InputProblem('bad-payload', 'no "value": expected the object `lobbykit codec decode` prints, e.g. {"kind":"application","channel":0,"value":{…}}');
  }
  const value = unwrap(fromTaggedJson(field(o, 'value')));
  return unwrap(lobbykitCodec.encode(value, { channel, codec }));
}

async function decodeGodot(bytes: Uint8Array, version: 3 | 4, gzip: boolean): Promise<unknown> {
  const godot = await import('../codec/godot/index.js');
  const plain = gzip ? unwrap(godot.godotDecompress(bytes, 'gzip')) : bytes;
  return godot.godotValueToJson(unwrap(godot.decodeGodot(plain, version)));
}

async function encodeGodot(json: unknown, version: 3 | 4, gzip: boolean): Promise<Uint8Array> {
  const godot = await import('../codec/godot/index.js');
  const value = unwrap(godot.godotValueFromJson(json));
  let bytes: Uint8Array;
  try {
    bytes = godot.encodeGodot(value, version);
  } catch (e) {
    // A value this Godot version cannot hold (a Godot 3 name in godot4, an int beyond its bits) is bad input too.
    if (e instanceof CodecEncodeError) throw new InputProblem(e.code, e.message);
    throw e;
  }
  return gzip ? godot.godotCompress(bytes, 'gzip') : bytes;
}

async function run(direction: 'decode' | 'encode', flags: CodecFlags, io: CliIo): Promise<void> {
  if (flags.gzip && flags.format === 'lobbykit') {
    throw new InputProblem('usage', '--gzip applies to --format godot3 and godot4 (lobbykit frames carry their own compression flag)');
  }
  const version = flags.format === 'godot4' ? 4 : 3;
  const input = await readAll(io.stdin);
  if (direction === 'decode') {
    const json = flags.format === 'lobbykit' ? decodeLobbykit(input) : await decodeGodot(input, version, flags.gzip === true);
    io.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    const json = parseJson(input);
    io.stdout.write(flags.format === 'lobbykit' ? encodeLobbykit(json) : await encodeGodot(json, version, flags.gzip === true));
  }
}

export function registerCodecCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const codec = program
    .command('codec')
    .description('Encode and decode lobbykit and Godot 3/4 packets: bytes on stdin ↔ lossless JSON on stdout.');
  for (const direction of ['decode', 'encode'] as const) {
    codec
      .command(direction)
      .description(
        direction === 'decode'
          ? 'Read a packet on stdin, print it as tagged JSON ({"$bigint"}, {"$bytes"}, {"$map"}, …).'
          : 'Read tagged JSON (as printed by decode) on stdin, write the packet bytes to stdout.',
      )
      .addOption(new Option('--format <format>', 'wire format').choices(['lobbykit', 'godot3', 'godot4']).makeOptionMandatory())
      .option('--gzip', "godot3/godot4 only: compress(…COMPRESSION_GZIP) around the Variant, as the tutorial sends it")
      .action(async (flags: CodecFlags) => {
        try {
          await run(direction, flags, io);
        } catch (e) {
          const problem = e instanceof InputProblem ? e : new InputProblem('error', e instanceof Error ? e.message : String(e));
          io.stderr.write(problem.line(direction));
          setExit(problem.code === 'usage' ? 2 : 1);
        }
      });
  }
}
