/**
 * The real engine as the oracle for the Godot 4 wire format: one launch of Godot 4.6 (its official web build in
 * headless Chromium, test/godot/engine4.ts) evaluates every case's GDScript, prints its var_to_bytes, var_to_str
 * and GZIP, and reads back the bytes lobbykit wrote for the same case.
 * CI (CI=true) must have Chromium and the engine package; elsewhere the suite skips with the reason in its name.
 * The engine's own outputs must equal test/godot/recorded4.json (LOBBYKIT_RECORD_GODOT=1 rewrites it from this run).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeGodot,
  encodeGodot,
  godotCompress,
  godotDecompress,
  godotValueFromJson,
  godotValueToJson,
  type GodotValue,
} from '../src/codec/godot/index.js';
import { asGodotWrites, ORACLE4_CASES, type Oracle4Case } from './godot/cases4.js';
import { godot4Mode, runGodot4, type Godot4Run } from './godot/engine4.js';
import {
  readRecorded,
  RECORDED4,
  recordedCase,
  recordingGodot,
  rerecordHint,
  writeRecorded,
  zeroNodePathPadding,
  type RecordedFixture,
} from './godot/recorded.js';

const mode = godot4Mode();
if (!mode.run) console.warn(`[godot4-oracle] skipped: ${mode.reason}`);

interface CaseReport {
  readonly name: string;
  readonly godot: string;
  readonly godot_gzip: string;
  readonly godot_str: string;
  /** var_to_str of bytes_to_var of Godot's own bytes: how Godot reads the value back from the wire. */
  readonly godot_back_str: string;
  readonly ours_str: string;
  readonly ours_reencoded: string;
  readonly ours_gunzip: string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const asJson = (value: GodotValue): unknown => godotValueToJson(value);

function oracleScript(cases: readonly Oracle4Case[]): string {
  const rows = cases.map((c) => `\t\t[${JSON.stringify(c.name)}, ${c.gd}],`).join('\n');
  return `extends Node

func _ready() -> void:
	var ours: Dictionary = JSON.parse_string(FileAccess.get_file_as_string("res://ours.json"))
	var cases := [
${rows}
	]
	for c in cases:
		var v = c[1]
		var mine := var_to_bytes(v)
		var out := {"name": c[0], "godot": mine.hex_encode(), "godot_str": var_to_str(v)}
		out["godot_back_str"] = var_to_str(bytes_to_var(mine))
		out["godot_gzip"] = mine.compress(FileAccess.COMPRESSION_GZIP).hex_encode()
		var o: Dictionary = ours[c[0]]
		var back = bytes_to_var(o["bytes"].hex_decode())
		out["ours_str"] = var_to_str(back)
		out["ours_reencoded"] = var_to_bytes(back).hex_encode()
		out["ours_gunzip"] = o["gzip"].hex_decode().decompress_dynamic(-1, FileAccess.COMPRESSION_GZIP).hex_encode()
		print("CASE " + JSON.stringify(out))
	print("DONE")
	get_tree().quit()
`;
}

/**
 * Equal bytes, except that where Godot left NodePath padding uninitialised a differing byte is allowed only if
 * ours (`actual`) is the zero padding there and both decode to the same value.
 */
function expectSameWire(actual: Uint8Array, expected: Uint8Array, c: Oracle4Case): void {
  if (!c.nodePathPadding) {
    expect(hex(actual)).toBe(hex(expected));
    return;
  }
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) expect(actual[i], `byte ${i} differs and is not zero padding`).toBe(0);
  }
  const a = decodeGodot(actual, 4);
  const b = decodeGodot(expected, 4);
  expect(a.ok && asJson(a.value)).toEqual(b.ok && asJson(b.value));
}

/** What this run's engine said about every case, in the fixture's form: nothing lobbykit wrote goes in. */
function recordedFrom(lines: readonly string[], reports: ReadonlyMap<string, CaseReport>): RecordedFixture {
  const cases = Object.fromEntries(
    ORACLE4_CASES.flatMap((c) => {
      const r = reports.get(c.name);
      if (!r) return [];
      const godot = c.nodePathPadding ? zeroNodePathPadding(r.godot) : r.godot;
      // GZIP of uninitialised padding is not the same from run to run.
      const gzip = c.nodePathPadding ? undefined : r.godot_gzip;
      return [[c.name, recordedCase({ godot, godot_gzip: gzip, godot_str: r.godot_str, godot_back_str: r.godot_back_str })]];
    }),
  );
  return {
    about: 'Godot 4.6 (web build) var_to_bytes, compress(GZIP), var_to_str and var_to_str(bytes_to_var) of test/godot/cases4.ts; written by LOBBYKIT_RECORD_GODOT=1 npx vitest run test/godot4-oracle.test.ts, checked by that suite, read by test/godot-recorded.test.ts. NodePath padding is zeroed and its GZIP left out: the engine leaves those bytes uninitialised.',
    engine: lines.find((line) => line.startsWith('Godot Engine v'))?.trim() ?? '',
    cases,
  };
}

describe.skipIf(!mode.run)(`Godot 4 oracle${mode.run ? '' : ` (SKIPPED: ${mode.reason})`}`, () => {
  const reports = new Map<string, CaseReport>();
  let run: Godot4Run | undefined;
  let fresh: RecordedFixture | undefined;

  beforeAll(async () => {
    if (!mode.run) return;
    const ours: Record<string, { bytes: string; gzip: string }> = {};
    for (const c of ORACLE4_CASES) {
      const bytes = encodeGodot(c.value, 4);
      ours[c.name] = { bytes: hex(bytes), gzip: hex(godotCompress(bytes, 'gzip')) };
    }
    run = await runGodot4(mode.engineDir, oracleScript(ORACLE4_CASES), { 'ours.json': JSON.stringify(ours) });
    for (const line of run.lines) {
      if (line.startsWith('CASE ')) {
        const report = JSON.parse(line.slice(5)) as CaseReport;
        reports.set(report.name, report);
      }
    }
    fresh = recordedFrom(run.lines, reports);
    // Only a run that got through every case may write the fixture.
    if (recordingGodot() && run.lines.at(-1) === 'DONE') writeRecorded(RECORDED4, fresh);
  }, 120_000);

  it('reports on every case in one engine launch, without script errors', () => {
    expect(run?.lines.at(-1), `engine exit: ${run?.exit}\n${run?.errors.join('\n')}`).toBe('DONE');
    expect(run?.errors.filter((line) => /SCRIPT ERROR|ERROR: (?!Could not load global script cache)/.test(line))).toEqual([]);
    expect([...reports.keys()].sort()).toEqual(ORACLE4_CASES.map((c) => c.name).sort());
    expect(run?.lines.some((line) => line.startsWith('Godot Engine v4.6.stable.official'))).toBe(true);
  });

  it('says what test/godot/recorded4.json holds, which judges the codec where no engine runs', () => {
    expect(fresh, rerecordHint('test/godot4-oracle.test.ts')).toEqual(readRecorded(RECORDED4));
  });

  describe.each(ORACLE4_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const report = (): CaseReport => {
      const r = reports.get(c.name);
      if (!r) throw new Error(`no Godot report for ${c.name}`);
      return r;
    };

    it('decodes the bytes Godot writes to the expected value', () => {
      const decoded = decodeGodot(unhex(report().godot), 4);
      if (!decoded.ok) throw new Error(`${decoded.code} at ${decoded.offset}: ${decoded.detail}`);
      expect(asJson(decoded.value)).toEqual(asJson(asGodotWrites(c)));
    });

    it.skipIf(c.oursOnly)('encodes the expected value to the bytes Godot writes', () => {
      expectSameWire(encodeGodot(c.value, 4), unhex(report().godot), c);
    });

    it("re-encodes Godot's bytes byte-identical after decode and a JSON round trip", () => {
      const godotBytes = unhex(report().godot);
      const decoded = decodeGodot(godotBytes, 4);
      if (!decoded.ok) throw new Error(decoded.detail);
      const back = godotValueFromJson(JSON.parse(JSON.stringify(godotValueToJson(decoded.value))));
      if (!back.ok) throw new Error(back.detail);
      expectSameWire(encodeGodot(back.value, 4), godotBytes, c);
    });

    it("is read back by Godot's bytes_to_var as an equal value (var_to_str)", () => {
      // Godot reads our bytes exactly as it reads its own: as the value it printed, except that without objects
      // an object-typed container comes back typed EncodedObjectAsID (marshalls.cpp), ours and Godot's alike.
      expect(report().ours_str).toBe(report().godot_back_str);
      if (c.value.type !== 'Array' || c.value.elementType?.kind !== 'class') expect(report().ours_str).toBe(report().godot_str);
      // What Godot read re-encodes to its own bytes for the value: nothing was lost or widened on the way.
      expectSameWire(encodeGodot(asGodotWrites(c), 4), unhex(report().ours_reencoded), c);
    });

    it("gunzips Godot's compress(GZIP) and Godot decompresses ours", () => {
      const inflated = godotDecompress(unhex(report().godot_gzip), 'gzip');
      expect(inflated.ok && hex(inflated.value)).toBe(report().godot);
      expect(report().ours_gunzip).toBe(hex(encodeGodot(c.value, 4)));
      // Same gzip member header as the engine's zlib (flags, mtime, extra flags, OS).
      expect(hex(godotCompress(encodeGodot(c.value, 4), 'gzip').subarray(0, 10))).toBe(report().godot_gzip.slice(0, 20));
    });
  });
});

describe('the Godot 4 engine files are checked before they run', () => {
  it('refuses an engine whose index.js or index.wasm is not the pinned build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lobbykit-fake-godot-'));
    try {
      writeFileSync(join(dir, 'index.js'), 'console.log("not Godot")');
      writeFileSync(join(dir, 'index.wasm'), new Uint8Array(8));
      await expect(runGodot4(dir, 'extends Node')).rejects.toThrow(/sha256 .* not the pinned/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
