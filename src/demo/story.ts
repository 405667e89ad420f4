/**
 * The seed tutorial's whole story, played by real runtimes (`createLobbyRuntime`) on the simulated Steam, every
 * player on one VirtualClock advanced in 60 Hz frames: create and describe a public lobby, find it with filters,
 * join (one player finds it full), handshake, chat, play on two channels, lose a link and win it back through
 * retries, kick, hand ownership over, and leave until every session is closed. This file is the script; the
 * stage it is played on, the cast and the summary live beside it.
 *
 * The story only reports (`onEvent`) and returns a summary; it never prints, and it never throws: a step that
 * does not happen within its virtual-time budget ends the run with a failed outcome naming the step.
 */
import { RELIABLE_CHANNEL, UNRELIABLE_CHANNEL, who, type Actor } from './cast.js';
import type { DemoOutcome, DemoSummary } from './events.js';
import type { DemoOptions } from './options.js';
import { PLAY_FRAMES, Stage, StoryFailure, TRAFFIC_REPORT_EVERY, settling, type DemoHooks } from './stage.js';
import { summarize } from './summary.js';

export type { DemoHooks } from './stage.js';

export const STORY_STEPS = [
  'create a public lobby',
  'find it with filters',
  'join (until it is full)',
  'handshake',
  'chat',
  'play at 60 Hz on two channels',
  'lose a link, retry, recover',
  'kick',
  'owner leaves, ownership moves',
  'everyone leaves',
] as const;

export async function runDemoStory(options: DemoOptions, hooks: DemoHooks): Promise<DemoOutcome> {
  const stage = new Stage(options, hooks, STORY_STEPS);
  try {
    return { ok: true, summary: await playStory(stage) };
  } catch (error) {
    if (error instanceof StoryFailure) return { ok: false, step: error.step, problem: error.message };
    return { ok: false, step: stage.currentStep, problem: error instanceof Error ? error.message : String(error) };
  } finally {
    stage.dispose();
  }
}

async function playStory(stage: Stage): Promise<DemoSummary> {
  const o = stage.options;
  stage.emit({ type: 'world', t: 0, players: o.players, latencyMs: o.latencyMs, loss: o.loss, seed: o.seed });
  const actors = stage.actors;
  const host = actors[0]!;
  const refused = actors[actors.length - 1]!;
  const guests = actors.slice(1, -1);
  const victim = guests[0]!;
  const kicked = guests[guests.length - 1]!;
  // Everyone but the last player fits: the last one meets Steam's "full".
  const memberLimit = o.players - 1;

  // 1. The seed's host: a public lobby, named, with its mode, then one more key once it exists.
  await stage.step(0);
  const created = host.runtime.createLobby({ lobbyType: 2, maxMembers: memberLimit, data: { name: "Gramps' Lobby", mode: 'ctf' } });
  await stage.until('the lobby to exist', () => host.runtime.lobbyState().status === 'joined', 5_000);
  const made = await created;
  if (!made.ok) throw new StoryFailure(stage.currentStep, `creating the lobby failed: ${made.error.reason}`);
  const lobbyId = made.lobbyId;
  host.story.push('created the lobby');
  stage.emit({ type: 'lobby-created', t: stage.now(), who: who(host), lobbyId, memberLimit });
  for (const [key, value] of Object.entries(host.runtime.lobbyData())) stage.emit({ type: 'lobby-data', t: stage.now(), who: who(host), key, value });
  stage.require(host.runtime.setLobbyData('map', 'ice'), 'setting lobby data');
  stage.emit({ type: 'lobby-data', t: stage.now(), who: who(host), key: 'map', value: 'ice' });

  // 2. Everyone else looks for a ctf lobby on the ice map with a free slot.
  await stage.step(1);
  const filter = { strings: [{ key: 'mode', value: 'ctf' }, { key: 'map', value: 'ice' }], slotsAvailable: 1, distance: 3 as const };
  const seekers = [...guests, refused];
  const listings = seekers.map((seeker) => ({ seeker, listing: settling(seeker.runtime.findLobbies(filter)) }));
  await stage.until('every lobby list', () => listings.every((l) => l.listing.settled()), 5_000);
  for (const { seeker, listing } of listings) {
    const result = await listing.promise;
    if (!result.ok) throw new StoryFailure(stage.currentStep, `${seeker.name} could not list lobbies: ${result.error.reason}`);
    if (!result.lobbies.some((l) => l.lobbyId === lobbyId)) throw new StoryFailure(stage.currentStep, `${seeker.name}'s list did not contain the lobby`);
    const names = result.lobbies.map((l) => l.data['name'] ?? String(l.lobbyId));
    stage.emit({ type: 'lobbies-found', t: stage.now(), who: who(seeker), filter: 'mode = ctf, map = ice, ≥ 1 free slot, worldwide', found: names.length, names });
  }

  // 3. The guests join together; the last player tries once they are all in, and finds the lobby full.
  await stage.step(2);
  const joins = guests.map((g) => ({ guest: g, result: g.runtime.joinLobby(lobbyId) }));
  await stage.until('every guest to be in the lobby', () => guests.every((g) => g.runtime.lobbyState().status === 'joined'), 10_000);
  for (const { guest, result } of joins) {
    const joined = await result;
    if (!joined.ok) throw new StoryFailure(stage.currentStep, `${guest.name} could not join: ${joined.error.reason}`);
    guest.story.push('joined');
    stage.emit({ type: 'joined', t: stage.now(), who: who(guest), lobbyId, members: guest.runtime.members().length });
  }
  const late = refused.runtime.joinLobby(lobbyId);
  await stage.until(`${refused.name}'s join to be answered`, () => refused.errors.some((e) => e.kind === 'join-failed'), 5_000);
  const answer = await late;
  if (answer.ok) throw new StoryFailure(stage.currentStep, `${refused.name} got into a lobby that should have been full`);
  const refusal = answer.error;
  const response = refusal.kind === 'join-failed' ? refusal.response : undefined;
  const key = refusal.kind === 'join-failed' ? refusal.key : undefined;
  refused.story.push(`refused: ${key ?? refusal.kind}`);
  stage.emit({ type: 'join-refused', t: stage.now(), who: who(refused), response, key, reason: refusal.reason });
  const inLobby = [host, ...guests];

  // 4. Every pair of members handshakes.
  await stage.step(3);
  await stage.until(
    'every member to be connected to every other',
    () => inLobby.every((a) => a.runtime.allConnected() && a.runtime.members().length === inLobby.length),
    15_000,
  );
  stage.emit({ type: 'all-connected', t: stage.now(), members: inLobby.length, sessions: (inLobby.length * (inLobby.length - 1)) / 2 });

  // 5. Lobby chat: the host greets, two guests answer.
  await stage.step(4);
  const talkers = [host, guests[0]!, guests[guests.length - 1]!].filter((a, i, all) => all.indexOf(a) === i);
  const lines = ["welcome to Gramps' Lobby! ctf on the ice map", 'gg! rematch on the ice map?', 'ready'];
  for (const [i, talker] of talkers.entries()) {
    const before = inLobby.map((a) => a.chatHeard);
    stage.require(talker.runtime.sendChat(lines[i]!), `${talker.name}'s chat`);
    stage.chatLines++;
    await stage.until(`${talker.name}'s chat line to reach everyone`, () => inLobby.every((a, j) => a.chatHeard > before[j]!), 5_000);
    stage.emit({ type: 'chat', t: stage.now(), who: who(talker), text: lines[i]!, heardBy: inLobby.length });
  }

  // 6. Play: every member sends its input (reliable) and position (unreliable) to everyone, every frame.
  await stage.step(5);
  await playFrames(stage, inLobby);

  // 7. One guest's link is cut; the others notice the silence, retry, and get it back when the link heals.
  await stage.step(6);
  await loseAndRecover(stage, victim, inLobby);

  // 8. The owner kicks the last guest in.
  await stage.step(7);
  stage.require(host.runtime.kick(kicked.id), `${host.name}'s kick`);
  const staying = inLobby.filter((a) => a !== kicked);
  await stage.until(
    `${kicked.name} to be out`,
    () => kicked.runtime.lobbyState().status === 'idle' && staying.every((a) => !a.runtime.members().some((m) => m.id === kicked.id)),
    5_000,
  );
  kicked.story.push(`kicked by ${host.name}`);
  host.story.push(`kicked ${kicked.name}`);
  stage.emit({ type: 'kicked', t: stage.now(), by: who(host), who: who(kicked), reason: kicked.leftReason ?? 'no reason reached the kicked player' });

  // 9. The owner leaves; Steam picks a new owner, and everyone hears who.
  await stage.step(8);
  const heirs = staying.filter((a) => a !== host);
  stage.require(host.runtime.leaveLobby(), `${host.name} leaving`);
  stage.emit({ type: 'owner-left', t: stage.now(), who: who(host) });
  await stage.until(
    'everyone to agree on a new owner',
    () => {
      const owner = heirs[0]!.runtime.lobbyState().ownerId;
      return owner !== undefined && owner !== host.id && heirs.every((a) => a.runtime.lobbyState().ownerId === owner && a.runtime.members().length === heirs.length);
    },
    5_000,
  );
  await stage.until(`${host.name}'s sessions to close`, () => host.open.size === 0 && host.runtime.lobbyState().status === 'idle', 5_000);
  host.story.push('left (ownership moved)');
  stage.emit({ type: 'left', t: stage.now(), who: who(host), reason: 'left; ownership passed on', sessionsClosed: host.sessionsClosed });
  const ownerId = heirs[0]!.runtime.lobbyState().ownerId!;
  const owner = heirs.find((a) => a.id === ownerId)!;
  owner.story.push('became the owner');
  stage.emit({ type: 'owner-changed', t: stage.now(), from: who(host), to: who(owner), seenBy: heirs.length });
  if (heirs.length > 1) {
    const before = heirs.map((a) => a.chatHeard);
    stage.require(owner.runtime.sendChat(`${owner.name} is hosting now`), `${owner.name}'s announcement`);
    stage.chatLines++;
    await stage.until('the new owner\'s announcement to reach everyone', () => heirs.every((a, j) => a.chatHeard > before[j]!), 5_000);
    stage.emit({ type: 'chat', t: stage.now(), who: who(owner), text: `${owner.name} is hosting now`, heardBy: heirs.length });
  }

  // 10. Everyone leaves, the owner last; every session closes.
  await stage.step(9);
  const order = [...heirs.filter((a) => a !== owner), owner];
  for (const leaver of order) {
    stage.require(leaver.runtime.leaveLobby(), `${leaver.name} leaving`);
    await stage.until(`${leaver.name} to leave`, () => leaver.runtime.lobbyState().status === 'idle' && leaver.open.size === 0, 5_000);
    leaver.story.push('left');
    stage.emit({ type: 'left', t: stage.now(), who: who(leaver), reason: leaver === owner ? 'left last; the lobby is gone' : 'left', sessionsClosed: leaver.sessionsClosed });
  }
  await stage.until('every session to close', () => actors.every((a) => a.open.size === 0), 5_000);
  const opened = actors.reduce((n, a) => n + a.sessionsOpened, 0);
  const closed = actors.reduce((n, a) => n + a.sessionsClosed, 0);
  stage.emit({ type: 'all-closed', t: stage.now(), opened, closed });

  return summarize(stage, lobbyId, memberLimit, { refused, refusal: refusal.reason, kicked, host, owner });
}

// ── the story's longer steps ──────────────────────────────────────────────────────────────────────────────

async function playFrames(stage: Stage, inLobby: readonly Actor[]): Promise<void> {
  const reliable = stage.counts.get(RELIABLE_CHANNEL)!;
  const unreliable = stage.counts.get(UNRELIABLE_CHANNEL)!;
  const wireStart = stage.wireBytes();
  for (let frame = 1; frame <= PLAY_FRAMES; frame++) {
    for (const actor of inLobby) {
      const { input, state } = actor.motion.step(frame);
      stage.sendCounted(actor, input, RELIABLE_CHANNEL, true, reliable);
      stage.sendCounted(actor, state, UNRELIABLE_CHANNEL, false, unreliable);
    }
    stage.frame();
    stage.hooks.onProgress?.({ step: stage.stepIndex, done: frame, of: PLAY_FRAMES });
    if (stage.hooks.pace !== undefined) await stage.hooks.pace('frame');
    if (frame % TRAFFIC_REPORT_EVERY === 0 && frame < PLAY_FRAMES) stage.reportTraffic(frame, wireStart);
  }
  // Let what is in flight land before counting it delivered (unreliable packets may be lost for good).
  await stage.until('the reliable messages to arrive', () => reliable.delivered >= reliable.packets, 5_000);
  await stage.run(300);
  stage.reportTraffic(PLAY_FRAMES, wireStart);
}

async function loseAndRecover(stage: Stage, victim: Actor, inLobby: readonly Actor[]): Promise<void> {
  const others = inLobby.filter((a) => a !== victim);
  stage.steam.faults.partition([victim.id]);
  victim.story.push('lost its link');
  stage.emit({ type: 'link-cut', t: stage.now(), who: who(victim) });
  await stage.until(
    `the others to notice ${victim.name} is gone`,
    () => others.every((a) => a.failedWith.has(victim.id)) && others.every((a) => victim.failedWith.has(a.id)),
    20_000,
    true,
  );
  stage.steam.faults.heal();
  stage.emit({ type: 'link-restored', t: stage.now(), who: who(victim) });
  await stage.until(
    `${victim.name} to reconnect`,
    () => inLobby.every((a) => a.runtime.allConnected() && a.runtime.members().length === inLobby.length),
    30_000,
    true,
  );
  const attempts = Math.max(...victim.errors.filter((e) => e.kind === 'session-failed').map((e) => (e.kind === 'session-failed' ? e.attempt : 0))) + 1;
  victim.story.push(`reconnected to ${others.length} after a retry`);
  stage.emit({ type: 'reconnected', t: stage.now(), who: who(victim), peers: others.length, attempts });
}
