import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { seedLobbySnapshot, seedStateUpdate } from '../src/codec/seed-messages.js';

interface Run {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

async function cli(argv: readonly string[], stdin: Uint8Array | string = new Uint8Array(0)): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr });
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
}

const codec = createPacketCodec();

function frame(value: unknown, options?: Parameters<typeof codec.encode>[1]): Uint8Array {
  const r = codec.encode(value, options);
  if (!r.ok) throw new Error(r.detail);
  return r.value;
}

describe('lobbykit codec (lobbykit format)', () => {
  it('decodes a packet to tagged JSON that encodes back to a packet with an equal value', async () => {
    const value = { id: 76561198000000001n, tags: new Map<unknown, unknown>([[1, 'a'], ['1', -0]]), blob: Uint8Array.of(9, 8), f: NaN };
    const decoded = await cli(['codec', 'decode', '--format', 'lobbykit'], frame(value, { channel: 7 }));
    expect(decoded.code).toBe(0);
    expect(decoded.stderr).toBe('');
    const json = JSON.parse(decoded.stdout.toString('utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ kind: 'application', channel: 7, codec: 'value', value: { id: { $bigint: '76561198000000001' } } });

    const encoded = await cli(['codec', 'encode', '--format', 'lobbykit'], decoded.stdout);
    expect(encoded.code).toBe(0);
    const again = codec.decode(new Uint8Array(encoded.stdout));
    expect(again).toEqual({ ok: true, value: { kind: 'application', channel: 7, codec: 'value', compressed: false, value } });
  });

  it('round-trips a compressed lobby snapshot and a control frame', async () => {
    for (const bytes of [frame(seedLobbySnapshot()), (codec.encodeControl({ type: 'goodbye', reason: 3 }) as { value: Uint8Array }).value]) {
      const decoded = await cli(['codec', 'decode', '--format', 'lobbykit'], bytes);
      const encoded = await cli(['codec', 'encode', '--format', 'lobbykit'], decoded.stdout);
      expect(encoded.code).toBe(0);
      expect(codec.decode(new Uint8Array(encoded.stdout))).toEqual(codec.decode(bytes));
    }
  });

  it('bad bytes: non-zero exit and one stderr line with the code and byte offset', async () => {
    const bytes = frame(seedStateUpdate()).slice(0, 20);
    const run = await cli(['codec', 'decode', '--format', 'lobbykit'], bytes);
    expect(run.code).not.toBe(0);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toMatch(/^lobbykit codec decode: truncated at byte 20: /);

    const version = await cli(['codec', 'decode', '--format', 'lobbykit'], Uint8Array.of(0xc0, 0));
    expect(version.stderr).toMatch(/^lobbykit codec decode: unknown-version at byte 0: [^\n]*\n$/);
  });

  it('bad JSON: names the byte offset of the syntax error', async () => {
    const run = await cli(['codec', 'encode', '--format', 'lobbykit'], '{"kind": "application", "value": [1, }');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^lobbykit codec encode: bad-json at byte 37: [^\n]*\n$/);
    const early = await cli(['codec', 'encode', '--format', 'lobbykit'], '{"value": [1, 2');
    expect(early.stderr).toMatch(/^lobbykit codec encode: bad-json at byte 15: /);
    const tag = await cli(['codec', 'encode', '--format', 'lobbykit'], '{"value": {"$bigint": "12x"}}');
    expect(tag.code).toBe(1);
    expect(tag.stderr).toMatch(/^lobbykit codec encode: bad-payload: \$bigint .* at \$\n$/);
  });

  it('a bare game value instead of a packet object: one line saying the packet object is expected', async () => {
    const run = await cli(['codec', 'encode', '--format', 'lobbykit'], '{"x":1,"y":2}');
    expect(run.code).not.toBe(0);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toMatch(/^lobbykit codec encode: bad-payload: no "value": expected the object `lobbykit codec decode` prints[^\n]*\n$/);
  });

  it('refuses --gzip for lobbykit frames with a usage exit code', async () => {
    const run = await cli(['codec', 'decode', '--format', 'lobbykit', '--gzip'], frame(1));
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('rejects an unknown format through commander', async () => {
    const run = await cli(['codec', 'decode', '--format', 'protobuf'], frame(1));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/protobuf/);
  });
});

describe('lobbykit codec (godot3 format)', () => {
  it('decode | encode gives back the same Variant bytes, plain and with the seed GZIP', async () => {
    const godot = await import('../src/codec/godot/index.js');
    const variant = godot.encodeGodot3(godot.godotFromPlain({ message: 'handshake', from: 76561198022456789n }));
    for (const gzip of [false, true]) {
      const flags = ['--format', 'godot3', ...(gzip ? ['--gzip'] : [])];
      const input = gzip ? godot.godotCompress(variant, 'gzip') : variant;
      const decoded = await cli(['codec', 'decode', ...flags], input);
      expect(decoded.stderr).toBe('');
      expect(decoded.code).toBe(0);
      const encoded = await cli(['codec', 'encode', ...flags], decoded.stdout);
      expect(encoded.code).toBe(0);
      const bytes = new Uint8Array(encoded.stdout);
      const plain = gzip ? godot.godotDecompress(bytes, 'gzip') : { ok: true as const, value: bytes };
      expect(plain.ok && Buffer.from(plain.value).equals(Buffer.from(variant))).toBe(true);
    }
  });

  it('bad Variant bytes: one stderr line with the problem and byte offset', async () => {
    const run = await cli(['codec', 'decode', '--format', 'godot3'], Uint8Array.of(4, 0, 0, 0, 200, 0, 0, 0, 65));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^lobbykit codec decode: [a-z-]+ at byte \d+: [^\n]*\n$/);
  });
});

describe('lobbykit codec (godot4 format)', () => {
  it("prints the same JSON as godot3 for the tutorial's handshake, whose types both versions share", async () => {
    const godot = await import('../src/codec/godot/index.js');
    const handshake = { message: 'handshake', from: 76561198022456789n };
    const v3 = await cli(['codec', 'decode', '--format', 'godot3'], godot.encodeGodot(godot.godotFromPlain(handshake, 3), 3));
    const v4 = await cli(['codec', 'decode', '--format', 'godot4'], godot.encodeGodot(godot.godotFromPlain(handshake, 4), 4));
    expect(v4.stderr).toBe('');
    expect(v4.stdout.toString('utf8')).toBe(v3.stdout.toString('utf8'));
  });

  it('decode | encode gives back the same Variant bytes for the Godot 4-only types, plain and with GZIP', async () => {
    const godot = await import('../src/codec/godot/index.js');
    const variant = godot.encodeGodot(
      {
        type: 'Dictionary',
        keyType: { kind: 'builtin', type: 'StringName' },
        value: [
          [{ type: 'StringName', value: 'cell' }, { type: 'Vector2i', value: [3, -4] }],
          [{ type: 'StringName', value: 'ids' }, { type: 'PackedInt64Array', value: BigInt64Array.from([76561198022456789n]) }],
          [{ type: 'StringName', value: 'hp' }, { type: 'Array', elementType: { kind: 'builtin', type: 'int' }, value: [{ type: 'int', value: 9n, bits: 32 }] }],
        ],
      },
      4,
    );
    for (const gzip of [false, true]) {
      const flags = ['--format', 'godot4', ...(gzip ? ['--gzip'] : [])];
      const decoded = await cli(['codec', 'decode', ...flags], gzip ? godot.godotCompress(variant, 'gzip') : variant);
      expect(decoded.stderr).toBe('');
      expect(JSON.parse(decoded.stdout.toString('utf8'))).toMatchObject({ type: 'Dictionary', keyType: { kind: 'builtin', type: 'StringName' } });
      const encoded = await cli(['codec', 'encode', ...flags], decoded.stdout);
      expect(encoded.code).toBe(0);
      const bytes = new Uint8Array(encoded.stdout);
      const plain = gzip ? godot.godotDecompress(bytes, 'gzip') : { ok: true as const, value: bytes };
      expect(plain.ok && Buffer.from(plain.value).equals(Buffer.from(variant))).toBe(true);
    }
  });

  it('bad Godot 4 bytes and Godot 3-only types: one stderr line with the problem', async () => {
    const refused = await cli(['codec', 'decode', '--format', 'godot4'], Uint8Array.of(0x1c, 0, 0, 0, 1, 0, 0, 0, 0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^lobbykit codec decode: bad-payload at byte 8: Godot RID [^\n]*\n$/);
    const quat = await cli(['codec', 'encode', '--format', 'godot4'], '{"type":"Quat","value":[0,0,0,1]}');
    expect(quat.code).toBe(1);
    expect(quat.stderr).toMatch(/^lobbykit codec encode: unencodable: "Quat" is not a Godot 4 type \(Godot 4 calls it Quaternion\)\n$/);
    expect(quat.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
