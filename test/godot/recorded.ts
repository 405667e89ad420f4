/**
 * What the real engines said about the oracle cases, kept as committed test data (recorded3.json, recorded4.json)
 * so that the codec can be judged by the engines' bytes where no engine runs (mutation testing, a quick local run).
 * The oracle suites write a fixture when LOBBYKIT_RECORD_GODOT=1 and otherwise assert the engine still says exactly
 * what it holds, so a fixture cannot go stale silently. Only the engine's own outputs are kept, never anything
 * computed from lobbykit's bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One case as the engine gave it: its var2bytes / var_to_bytes, GZIP of those, and its text form of the value. */
export interface RecordedCase {
  /** The engine's bytes (hex), with NodePath padding zeroed (see `zeroNodePathPadding`). */
  readonly godot: string;
  /** The engine's compress(GZIP) of its bytes (hex); absent where the bytes held uninitialised NodePath padding. */
  readonly godot_gzip?: string;
  /** var2str / var_to_str of the value the case's GDScript built. */
  readonly godot_str: string;
  /** Godot 4 only: var_to_str of bytes_to_var of the engine's own bytes. */
  readonly godot_back_str?: string;
}

export interface RecordedFixture {
  readonly about: string;
  /** The engine's banner line, e.g. "Godot Engine v3.2.3.stable.custom_build - https://godotengine.org". */
  readonly engine: string;
  readonly cases: Readonly<Record<string, RecordedCase>>;
}

export const RECORDED3 = fileURLToPath(new URL('./recorded3.json', import.meta.url));
export const RECORDED4 = fileURLToPath(new URL('./recorded4.json', import.meta.url));

/** Set to write the fixture from this run's engine instead of checking the engine against it. */
export const RECORD_ENV = 'LOBBYKIT_RECORD_GODOT';

export function recordingGodot(): boolean {
  const flag = process.env[RECORD_ENV];
  return flag !== undefined && flag !== '' && flag !== '0' && flag !== 'false';
}

export const rerecordHint = (suite: string): string =>
  `the engine no longer says what the fixture holds: if that is expected, re-record with ${RECORD_ENV}=1 npx vitest run ${suite}`;

/**
 * The bytes of a top-level NodePath with the padding after each name zeroed. Godot (3.2 and 4.6 alike) leaves those
 * bytes uninitialised, so they may differ between runs. Layout, from marshalls.cpp: type header, name count |
 * 0x80000000, subname count, flags, then each name and subname as a u32 length and its UTF-8, padded to 4.
 */
export function zeroNodePathPadding(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const names = (bytes.readUInt32LE(4) & 0x7fffffff) + bytes.readUInt32LE(8);
  let at = 16;
  for (let i = 0; i < names; i++) {
    const length = bytes.readUInt32LE(at);
    at += 4 + length;
    for (; at % 4 !== 0; at++) bytes[at] = 0;
  }
  if (at !== bytes.length) throw new Error(`not a lone NodePath: ${bytes.length - at} bytes after its names`);
  return bytes.toString('hex');
}

/** The engine's outputs for one case, with keys in sorted order so the fixture reads the same after every run. */
export function recordedCase(fields: RecordedCase): RecordedCase {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ) as unknown as RecordedCase;
}

/** Writes the fixture: sorted keys, one case per line, so a re-record shows as a readable diff. */
export function writeRecorded(file: string, fixture: RecordedFixture): void {
  const names = Object.keys(fixture.cases).sort();
  const rows = names.map((name) => `    ${JSON.stringify(name)}: ${JSON.stringify(fixture.cases[name])}`);
  const text = `{\n  "about": ${JSON.stringify(fixture.about)},\n  "cases": {\n${rows.join(',\n')}\n  },\n  "engine": ${JSON.stringify(fixture.engine)}\n}\n`;
  writeFileSync(file, text);
}

export function readRecorded(file: string): RecordedFixture {
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as RecordedFixture;
  if (typeof fixture.engine !== 'string' || typeof fixture.cases !== 'object' || fixture.cases === null) {
    throw new Error(`${file} is not a recorded Godot fixture`);
  }
  return fixture;
}
