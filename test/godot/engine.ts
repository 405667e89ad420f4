import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where godot3-server is: $GODOT3_BIN, else the first match on PATH; null when absent. */
export function findGodot3(): string | null {
  const explicit = process.env.GODOT3_BIN;
  if (explicit) return existsSync(explicit) ? explicit : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'godot3-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * How a Godot oracle suite should behave here: run it, skip it with a visible reason (a developer machine without
 * the engine), or fail it (CI must never silently lose the oracle).
 */
export type OracleMode = { readonly run: true; readonly bin: string } | { readonly run: false; readonly reason: string };

export function oracleMode(): OracleMode {
  const bin = findGodot3();
  if (bin) return { run: true, bin };
  const reason = 'godot3-server not found (install it with `apt-get install -y godot3-server` or set GODOT3_BIN)';
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0') throw new Error(`CI is set but ${reason}: the Godot oracle tests must run in CI`);
  return { run: false, reason };
}

export interface GodotRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * Runs one GDScript (extends SceneTree, ends with quit()) in a throwaway project with extra files beside it.
 * One engine start per test file: Godot takes about a second to boot.
 */
export function runGodotScript(bin: string, script: string, files: Readonly<Record<string, string>> = {}): GodotRun {
  const dir = mkdtempSync(join(tmpdir(), 'lobbykit-godot-'));
  try {
    writeFileSync(join(dir, 'project.godot'), 'config_version=4\n\n[application]\nconfig/name="lobbykit-oracle"\n');
    writeFileSync(join(dir, 'oracle.gd'), script);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const result = spawnSync(bin, ['--no-window', '-s', 'oracle.gd'], {
      cwd: dir,
      env: { ...process.env, LANG: 'C.UTF-8', HOME: dir },
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GDScript helper that turns our hex back into bytes (Godot 3 has hex_encode but no decode). */
export const GD_FROM_HEX = `
func from_hex(h: String) -> PoolByteArray:
	var out = PoolByteArray()
	out.resize(h.length() / 2)
	for i in range(out.size()):
		out[i] = ("0x" + h.substr(i * 2, 2)).hex_to_int()
	return out
`;
