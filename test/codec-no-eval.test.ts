import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the codec where code generation is forbidden (a strict CSP, an Electron renderer)', () => {
  it('still encodes and decodes repeated shapes, through the interpreted path', () => {
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', 'test/fixtures/codec-without-eval.ts'],
      { cwd: root, encoding: 'utf8', timeout: 30_000 },
    );
    const { evalRefused, decoded } = JSON.parse(out) as { evalRefused: boolean; decoded: unknown[] };
    expect(evalRefused).toBe(true);
    const expected = Array.from({ length: 5 }, (_, i) => ({
      tick: i,
      players: [{ id: `${76561198000000000n + BigInt(i)}n`, x: i * 0.25, name: `p${i}` }],
    }));
    expect(decoded).toEqual(expected);
  });
});
