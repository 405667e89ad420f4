import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoRows } from '../src/cli/demo-command.js';
import { main } from '../src/cli/main.js';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { seedStateUpdate } from '../src/codec/seed-messages.js';

describe('lobbykit demo', () => {
  it('prints a table of the four seed messages and exits 0', async () => {
    const chunks: Buffer[] = [];
    const stdout = new PassThrough();
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await main(['demo'], { stdin: Readable.from([]), stdout, stderr: new PassThrough() });
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString('utf8');
    const rows = await demoRows();
    expect(rows.map((r) => r.message)).toEqual(['handshake', 'chat line', '8-player state update', '250-member lobby snapshot']);
    for (const row of rows) expect(text).toMatch(new RegExp(`${row.message}\\s+${row.lobbykit}\\s+`));
  });

  it('reports the bytes the codec really produces, smaller than JSON', async () => {
    const rows = await demoRows();
    const state = createPacketCodec().encode(seedStateUpdate(), { reliable: false });
    expect(state.ok && rows[2]!.lobbykit).toBe(state.ok && state.value.length);
    expect(rows[0]!.lobbykit).toBeLessThanOrEqual(12);
    for (const row of rows.filter((r) => r.message !== 'chat line')) expect(row.lobbykit).toBeLessThan(row.json);
  });
});
