/**
 * The Godot codec judged by the real engines without running one: test/godot/recorded3.json and recorded4.json hold
 * what godot3-server and Godot 4.6 wrote for every oracle case (kept true by the oracle suites, which fail when an
 * engine says otherwise). Expected bytes come only from those fixtures and expected values only from the case
 * tables, never from lobbykit's codec, so these tests carry the engines' knowledge into mutation testing.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeGodot,
  decodeGodot3,
  encodeGodot,
  encodeGodot3,
  godotCompress,
  godotDecompress,
  godotValueFromJson,
  godotValueToJson,
  type GodotValue,
} from '../src/codec/godot/index.js';
import type { CodecResult } from '../src/codec/result.js';
import { ORACLE_CASES } from './godot/cases.js';
import { asGodotWrites, ORACLE4_CASES } from './godot/cases4.js';
import { readRecorded, RECORDED3, RECORDED4, type RecordedCase } from './godot/recorded.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/** One engine version: its fixture, and the cases with the value the engine's bytes must decode to. */
interface Judged {
  readonly label: string;
  readonly fixture: string;
  readonly cases: readonly { readonly name: string; readonly expected: GodotValue; readonly engineWritesIt: boolean }[];
  readonly encode: (value: GodotValue) => Uint8Array;
  readonly decode: (bytes: Uint8Array) => CodecResult<GodotValue>;
}

const VERSIONS: readonly Judged[] = [
  {
    label: 'Godot 3 (godot3-server 3.2.3)',
    fixture: RECORDED3,
    cases: ORACLE_CASES.map((c) => ({ name: c.name, expected: c.value, engineWritesIt: true })),
    encode: encodeGodot3,
    decode: decodeGodot3,
  },
  {
    label: 'Godot 4 (4.6 web build)',
    fixture: RECORDED4,
    // A double-precision value is one only lobbykit writes: the engine's bytes for it decode to the float32 form.
    cases: ORACLE4_CASES.map((c) => ({ name: c.name, expected: asGodotWrites(c), engineWritesIt: !c.oursOnly })),
    encode: (value) => encodeGodot(value, 4),
    decode: (bytes) => decodeGodot(bytes, 4),
  },
];

function decoded(version: Judged, bytes: Uint8Array): GodotValue {
  const result = version.decode(bytes);
  if (!result.ok) throw new Error(`${result.code} at ${result.offset}: ${result.detail}`);
  return result.value;
}

describe.each(VERSIONS.map((v) => [v.label, v] as const))('%s, as recorded from the engine', (_label, version) => {
  const fixture = readRecorded(version.fixture);

  it('has a recording for exactly the oracle cases', () => {
    expect(Object.keys(fixture.cases).sort()).toEqual(version.cases.map((c) => c.name).sort());
  });

  describe.each(version.cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const recorded = (): RecordedCase => {
      const r = fixture.cases[name];
      if (!r) throw new Error(`no recording for ${name}: re-record with LOBBYKIT_RECORD_GODOT=1 (see ${version.fixture})`);
      return r;
    };

    it("decodes the engine's bytes to the case's value", () => {
      expect(godotValueToJson(decoded(version, unhex(recorded().godot)))).toStrictEqual(godotValueToJson(c.expected));
    });

    it.skipIf(!c.engineWritesIt)("encodes the case's value to exactly the engine's bytes", () => {
      expect(hex(version.encode(c.expected))).toBe(recorded().godot);
    });

    it("re-encodes the engine's bytes exactly after decode and a tagged JSON round trip", () => {
      const json = JSON.parse(JSON.stringify(godotValueToJson(decoded(version, unhex(recorded().godot))))) as unknown;
      const back = godotValueFromJson(json);
      if (!back.ok) throw new Error(back.detail);
      expect(hex(version.encode(back.value))).toBe(recorded().godot);
    });

    it.skipIf(fixture.cases[name]?.godot_gzip === undefined)("gunzips the engine's GZIP to its bytes, and writes a GZIP zlib reads the same", () => {
      const engineGzip = unhex(recorded().godot_gzip ?? '');
      const inflated = godotDecompress(engineGzip, 'gzip');
      expect(inflated.ok && hex(inflated.value)).toBe(recorded().godot);
      const ours = godotCompress(unhex(recorded().godot), 'gzip');
      // The member header (flags, mtime, extra flags, OS) as the engine's zlib writes it; the deflate stream may differ.
      expect(hex(ours.subarray(0, 10))).toBe(hex(engineGzip.subarray(0, 10)));
      expect(hex(gunzipSync(ours))).toBe(recorded().godot);
    });
  });
});
