// The peer pool holds the peer-session actors outside the root's children (peer-pool.ts). A peer whose action
// throws stops in error; XState tells only its parent, the pool. The pool's promise is that it decides nothing and
// hands everything back to the root, so a failed peer must fail the root too — the runtime then reports it and
// leaves the lobby (runtime/failure.ts) — instead of a member staying "connecting" behind a dead actor.
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../src/effects/clock.js';
import { peerSystemId } from '../src/machines/peer-pool.js';
import { sessionMachine } from '../src/machines/session.machine.js';
import { recordingEffects } from './helpers/recording-effects.js';

const SELF = 76561198000000001n;
const LOBBY = 109775241000000001n;
const member = (i: number) => 76561198100000000n + BigInt(i);

function hostWhoseHandshakeThrowsFor(bad: bigint) {
  const recorder = recordingEffects({
    sendHandshake: (params) => {
      if ((params as { remoteId: bigint }).remoteId === bad) throw new Error('handshake effect broke');
    },
  });
  const actor = createActor(sessionMachine, { clock: new VirtualClock(), input: { selfId: SELF, effects: recorder.effects } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => void errors.push(error) });
  actor.start();
  actor.send({ type: 'lobby.create', lobbyType: 2, maxMembers: 8 });
  actor.send({ type: 'lobby.created', result: 1, lobbyId: LOBBY });
  return { actor, errors };
}

describe('a peer session whose action throws', () => {
  it('stops the root in error with that very error', () => {
    const { actor, errors } = hostWhoseHandshakeThrowsFor(member(1));
    actor.send({ type: 'member.changed', memberId: member(0), change: 'entered' });
    expect(actor.getSnapshot().status).toBe('active');
    actor.send({ type: 'member.changed', memberId: member(1), change: 'entered' });
    expect(actor.getSnapshot().status).toBe('error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('handshake effect broke');
  });

  it('a healthy peer does not: the root stays active and the peer is reachable', () => {
    const { actor, errors } = hostWhoseHandshakeThrowsFor(member(9));
    actor.send({ type: 'member.changed', memberId: member(0), change: 'entered' });
    expect(actor.getSnapshot().status).toBe('active');
    expect(actor.system.get(peerSystemId(member(0)))?.getSnapshot().status).toBe('active');
    expect(errors).toEqual([]);
  });
});
