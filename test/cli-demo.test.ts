import { describe, expect, it } from 'vitest';
import { createPacketCodec } from '../src/codec/packet-codec.js';
import { seedStateUpdate } from '../src/codec/seed-messages.js';
import { renderWireBytes } from '../src/demo/render.js';
import { wireBytesRows } from '../src/demo/wire-bytes.js';

// The codec showcase the demo used to be; it now closes `lobbykit demo` as its "wire bytes" section.
describe('lobbykit demo: wire bytes section', () => {
  it('renders a row for each of the four seed messages', () => {
    const rows = wireBytesRows();
    const text = renderWireBytes(rows, { color: false });
    expect(rows.map((r) => r.message)).toEqual(['handshake', 'chat line', '8-player state update', '250-member lobby snapshot']);
    for (const row of rows) expect(text).toMatch(new RegExp(`${row.message}\\s+${row.lobbykit}\\s+${row.seed}\\s+${row.json}\\s`));
  });

  it('reports the bytes the codec really produces, smaller than JSON', () => {
    const rows = wireBytesRows();
    const state = createPacketCodec().encode(seedStateUpdate(), { reliable: false });
    expect(state.ok && rows[2]!.lobbykit).toBe(state.ok && state.value.length);
    expect(rows[0]!.lobbykit).toBeLessThanOrEqual(12);
    for (const row of rows.filter((r) => r.message !== 'chat line')) expect(row.lobbykit).toBeLessThan(row.json);
  });
});
