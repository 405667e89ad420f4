import { describe, expect, it } from 'vitest';
import { contextToJson, fullJson, jsonSafeContext } from '../src/machines/serialize.js';

const ID = 76561198000000042n;
const send = (): void => {};
// A port JSON.stringify would write (a function object with its own toJSON): the contract leaves out functions anyway.
const loudPort = Object.assign((): void => {}, { toJSON: () => 'port' });

/** A machine context as the machines build one: a Steam id, data, ports, and two counters that only grow. */
const CONTEXT = { selfId: ID, name: 'room', members: [ID, 7n], effects: { send }, notify: send, epoch: 3, nextVoteId: 9 };
const LOUD_CONTEXT = { ...CONTEXT, notify: loudPort };
/** CONTEXT as JSON with nothing left out but its functions: ids as "<digits>n", the ports' objects empty. */
const EVERY_FIELD = { selfId: '76561198000000042n', name: 'room', members: ['76561198000000042n', '7n'], effects: {}, epoch: 3, nextVoteId: 9 };

describe('machine context JSON (serialize.ts)', () => {
  it("a context's toJSON writes its data with bigints as \"<digits>n\", leaving out its counters and its functions", () => {
    const context = jsonSafeContext(LOUD_CONTEXT, contextToJson(['epoch', 'nextVoteId']));
    expect(JSON.parse(JSON.stringify(context))).toEqual({
      selfId: '76561198000000042n',
      name: 'room',
      members: ['76561198000000042n', '7n'],
      effects: {},
    });
  });

  it('with no counters named, leaves out only the functions', () => {
    expect(JSON.parse(JSON.stringify(jsonSafeContext(LOUD_CONTEXT)))).toEqual(EVERY_FIELD);
  });

  it("fullJson copies a whole context, counters included, bypassing the context's own toJSON", () => {
    const context = jsonSafeContext(CONTEXT, contextToJson(['epoch', 'nextVoteId']));
    expect(fullJson(context)).toEqual(EVERY_FIELD);
  });

  it('fullJson makes any value JSON-safe, and leaves undefined (an actor with no context) as it is', () => {
    expect(fullJson({ type: 'vote.start', target: ID })).toEqual({ type: 'vote.start', target: '76561198000000042n' });
    expect(fullJson(5n)).toBe('5n');
    expect(fullJson(null)).toBe(null);
    expect(fullJson(undefined)).toBe(undefined);
  });
});
