import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryFolderProblem } from '../scale-world.js';

// `ab` and `scale` load other builds from a folder. A folder that would load as CommonJS (through tsx's transform)
// runs slower and would pass for a regression, so the benches refuse it with a reason.
describe('libraryFolderProblem (the folder a bench loads another build from)', () => {
  const made: string[] = [];
  const packageWith = (manifest: Record<string, unknown> | undefined): string => {
    const root = mkdtempSync(join(tmpdir(), 'lobbykit-bench-'));
    made.push(root);
    if (manifest !== undefined) writeFileSync(join(root, 'package.json'), JSON.stringify(manifest));
    const dist = join(root, 'dist', 'nested');
    mkdirSync(dist, { recursive: true });
    return dist;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a folder anywhere under a package of ES modules', () => {
    expect(libraryFolderProblem(packageWith({ name: 'lobbykit', type: 'module' }))).toBeUndefined();
  });

  it('refuses a folder whose nearest package.json does not say "type": "module", and names that file', () => {
    const dist = packageWith({ name: 'lobbykit' });
    const problem = libraryFolderProblem(dist);
    expect(problem).toContain(join(dist, '..', '..', 'package.json'));
    expect(problem).toContain('CommonJS');
    expect(libraryFolderProblem(packageWith({ type: 'commonjs' }))).toContain('CommonJS');
  });

  it('goes by the nearest package.json, not one further up', () => {
    const dist = packageWith({ type: 'module' });
    writeFileSync(join(dist, '..', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    expect(libraryFolderProblem(dist)).toContain(join(dist, '..', 'package.json'));
  });

  it("accepts this checkout's own dist/", () => {
    expect(libraryFolderProblem(join(import.meta.dirname, '..', '..', 'dist'))).toBeUndefined();
  });
});
