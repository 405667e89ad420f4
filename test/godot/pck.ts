/**
 * Godot 4.6's main pack (PCK format v3, Godot 4.4+), built in memory per run so a test can hand the web engine a
 * project, a scene and a script. Layout from core/io/file_access_pack.cpp / pck_packer.cpp, as written up in
 * /work/shared/reference/godot4-oracle.md and observed to load in the 4.6 web template.
 */
import { createHash } from 'node:crypto';

const FILE_BASE = 112;
const ALIGN = 16;

const pad = (n: number, to: number): number => (n + to - 1) & ~(to - 1);

/** `files` maps a path without `res://` (e.g. `main.gd`) to its bytes or UTF-8 text. */
export function buildPck(files: Readonly<Record<string, Uint8Array | string>>): Uint8Array {
  const entries = Object.entries(files).map(([path, data]) => ({
    path: new TextEncoder().encode(path),
    data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
  }));
  let dataLength = 0;
  const offsets = entries.map((e) => {
    const at = dataLength;
    dataLength = pad(at + e.data.length, ALIGN);
    return at;
  });
  const directoryLength = 4 + entries.reduce((n, e) => n + 4 + pad(e.path.length, 4) + 8 + 8 + 16 + 4, 0);
  const dirOffset = FILE_BASE + dataLength;
  const out = new Uint8Array(dirOffset + directoryLength);
  const view = new DataView(out.buffer);
  out.set([0x47, 0x44, 0x50, 0x43], 0); // "GDPC"
  view.setUint32(4, 3, true); // pack format
  view.setUint32(8, 4, true); // engine major
  view.setUint32(12, 6, true); // minor
  view.setUint32(16, 0, true); // patch
  view.setUint32(20, 2, true); // flags: file offsets relative to file_base
  view.setBigUint64(24, BigInt(FILE_BASE), true);
  view.setBigUint64(32, BigInt(dirOffset), true);
  entries.forEach((e, i) => out.set(e.data, FILE_BASE + offsets[i]!));
  let at = dirOffset;
  view.setUint32(at, entries.length, true);
  at += 4;
  entries.forEach((e, i) => {
    const padded = pad(e.path.length, 4);
    view.setUint32(at, padded, true);
    out.set(e.path, at + 4);
    at += 4 + padded;
    view.setBigUint64(at, BigInt(offsets[i]!), true);
    view.setBigUint64(at + 8, BigInt(e.data.length), true);
    out.set(createHash('md5').update(e.data).digest(), at + 16);
    view.setUint32(at + 32, 0, true);
    at += 36;
  });
  return out;
}
