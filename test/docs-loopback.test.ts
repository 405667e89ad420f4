// docs/loopback.md stays true: its TypeScript snippet is examples/loopback/in-process.ts word for word (imports aside:
// the doc imports the package, the example this checkout's sources), which `npm test` type-checks strictly, and
// which runs here as written.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = 'examples/loopback/in-process.ts';

describe('docs/loopback.md', () => {
  it('shows the in-process example as it is in examples/, and that example runs', () => {
    const doc = readFileSync(join(root, 'docs/loopback.md'), 'utf8');
    const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets).toHaveLength(1);
    const asInExample = snippets[0]!
      .replace(/from 'lobbykit\/loopback-server'/g, "from '../../src/loopback-server/index.js'")
      .replace(/from 'lobbykit'/g, "from '../../src/index.js'");
    const example = readFileSync(join(root, EXAMPLE), 'utf8');
    expect(example.endsWith(asInExample)).toBe(true);

    const run = spawnSync(process.execPath, ['--import', 'tsx', EXAMPLE], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The events the doc's comment names, then the lobby count, amid the service's own log lines.
    expect(run.stdout).toMatch(/\nlobbyCreated\nlobbyEntered\n1\n/);
  });
});
