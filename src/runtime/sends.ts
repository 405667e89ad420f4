/**
 * The game's sends: messages to members, in the wire each speaks (one lobbykit frame, the tutorial's bytes per
 * tutorial wire), held for members who have not shown their wire yet, and lobby chat. Refused before anything
 * goes on the wire when a recipient could not carry the message.
 */
import { textLooksLikeNotice } from '../codec/chat-notice.js';
import { isValidChannel } from '../codec/frame.js';
import type { CodecResult } from '../codec/result.js';
import { utf8Length } from '../codec/value-encoder.js';
import { MAX_LOBBY_CHAT_BYTES, P2PSendType, isReliableSendType, isSendType, isSteamId, sendSizeProblem } from '../steam/index.js';
import type { SendOptions } from './api.js';
import { CommandBase, optionsProblem } from './command-base.js';
import { describeThrown, type Failed, type RuntimeResult } from './errors.js';
import type { PeerSlot } from './member-directory.js';
import { LOBBYKIT_WIRE } from './peer-wire.js';
import { NO_TUTORIAL_BYTES, steamChannel, type TutorialBytes } from './send-wires.js';
import { encodeTutorialMessage, encodeTutorialVariant } from './tutorial-codec.js';

const textEncoder = new TextEncoder();

const fullHold = (id: bigint) => `${id} has not said what it speaks yet and already has the most messages held for it`;

export class Sends extends CommandBase {

  sendChat(text: string): RuntimeResult {
    const lobbyId = this.core.directory.lobbyId;
    const problem =
      this.disposedError('sendChat') ??
      this.invalid('sendChat', typeof text === 'string' ? undefined : 'chat messages are strings') ??
      this.notInLobby('sendChat', lobbyId);
    if (problem !== undefined || lobbyId === undefined) return this.core.reporter.fail(problem!);
    if (textLooksLikeNotice(text)) return this.refuseSend('sendChat', 'invalid-argument', "chat text cannot start with a NUL character: lobbykit's notices do");
    // One rule for text everywhere: a lone surrogate cannot be carried by UTF-8, in chat as in messages.
    const length = utf8Length(text);
    if (length < 0) return this.refuseSend('sendChat', 'unencodable', 'string holds a lone UTF-16 surrogate, which UTF-8 cannot carry', 'unencodable');
    if (length > MAX_LOBBY_CHAT_BYTES) {
      return this.refuseSend('sendChat', 'too-large', `lobby chat messages are limited to ${MAX_LOBBY_CHAT_BYTES} bytes, got ${length}`);
    }
    return this.backendCall('sendChat', () => this.core.backend.sendLobbyChat(lobbyId, textEncoder.encode(text)));
  }

  send(to: bigint | 'all', message: unknown, options: SendOptions | undefined): RuntimeResult<{ readonly recipients: number }> {
    const { core } = this;
    const problem =
      this.disposedError('send') ??
      this.invalid('send', to === 'all' || isSteamId(to) ? undefined : `${String(to)} is neither a Steam ID nor 'all'`) ??
      this.invalid('send', optionsProblem(options, 'send options'));
    if (problem !== undefined) return core.reporter.fail(problem);
    const channel = options?.channel ?? 0;
    if (!isValidChannel(channel)) return this.refuseSend('send', 'invalid-argument', `channel ${String(channel)} is not an integer from 0 to 2^31 − 1`);
    const sendType = options?.sendType ?? (options?.reliable === false ? P2PSendType.unreliable : P2PSendType.reliable);
    if (!isSendType(sendType)) return this.refuseSend('send', 'invalid-argument', `send type ${String(sendType)} is not 0..3`);
    const outside = this.notInLobby('send', core.directory.lobbyId);
    if (outside !== undefined) return core.reporter.fail(outside);
    // One gate lookup both admits a single recipient and finds the slot a reliable send stamps.
    const target = to === 'all' ? 'all' : core.directory.gate.get(to);
    if (target === undefined) return this.refuseSend('send', 'not-a-member', `${String(to)} is not a member of this lobby`);
    const reliable = isReliableSendType(sendType);
    if (target !== 'all' && target.wire === undefined && !reliable) {
      return this.refuseSend('send', 'not-connected', `${String(to)} has not said what it speaks yet; an unreliable message would arrive stale`);
    }
    const encoded = this.encodeFor(target, message, channel, sendType);
    if (!encoded.ok) return encoded.failure;
    const { frame, tutorial } = encoded;
    const frameChannel = steamChannel(core.backend, LOBBYKIT_WIRE, channel);
    const tutorialChannel = steamChannel(core.backend, undefined, channel);
    let recipients = 0;
    // Held messages are recipients of this send, but count as sent when they go out (releaseHeld), once.
    let held = 0;
    // A reliable message does a heartbeat's job (it arrives, or Steam fails the session), so it postpones the next
    // heartbeat; an unreliable one may be lost, so it does not.
    const sentAt = reliable ? core.clock.now() : undefined;
    try {
      if (target === 'all') {
        const slots = core.directory.slots;
        for (let i = 0; i < slots.length; i++) {
          const slot = slots[i]!;
          const wire = slot.wire;
          if (wire === undefined) {
            // Not shown what it speaks yet: reliable messages wait for it (held-sends.ts); unreliable ones would be stale.
            if (!reliable) continue;
            if (this.hold(slot, frame, message, sendType, channel)) held++;
            // The send as a whole goes on; the game hears which member it missed (a single recipient's send is refused).
            else this.core.reporter.report({ kind: 'send-refused', command: 'send', code: 'not-connected', reason: fullHold(slot.id) });
            continue;
          }
          const lobbykit = wire === LOBBYKIT_WIRE;
          if (this.sendTo(slot, lobbykit ? frame : tutorial.get(wire)!, sendType, lobbykit ? frameChannel : tutorialChannel)) {
            recipients++;
            if (sentAt !== undefined) slot.lastSent = sentAt;
          }
        }
      } else if (target.wire === undefined) {
        if (!this.hold(target, frame, message, sendType, channel)) {
          return this.refuseSend('send', 'not-connected', fullHold(target.id));
        }
        held++;
      } else if (
        target.wire === LOBBYKIT_WIRE
          ? this.sendTo(target, frame, sendType, frameChannel)
          : this.sendTo(target, tutorial.get(target.wire)!, sendType, tutorialChannel)
      ) {
        recipients++;
        if (sentAt !== undefined) target.lastSent = sentAt;
      } else {
        return this.backendRefused('send');
      }
    } catch (thrown) {
      return core.reporter.fail({ kind: 'internal', where: 'send', reason: describeThrown(thrown) });
    }
    core.counters.packetsSent += recipients;
    return { ok: true, recipients: recipients + held };
  }

  /**
   * The message in every wire its recipients speak: the lobbykit frame (always made, so a message is held to the
   * same rules in every lobby), and the tutorial's bytes per tutorial wire among the recipients, made only when
   * there are some. Refused as a whole before anything is sent when any of them cannot carry it.
   */
  private encodeFor(
    target: PeerSlot | 'all',
    message: unknown,
    channel: number,
    sendType: P2PSendType,
  ): { ok: true; frame: Uint8Array; tutorial: TutorialBytes } | { ok: false; failure: Failed } {
    const frame = this.core.codec.encode(message, { channel, reliable: isReliableSendType(sendType) });
    const checked = this.checked(frame, sendType);
    if (!checked.ok) return checked;
    let tutorial = NO_TUTORIAL_BYTES;
    const slots = target === 'all' ? this.core.directory.slots : [target];
    for (let i = 0; i < slots.length; i++) {
      const wire = slots[i]!.wire;
      if (wire === undefined || wire.kind === 'lobbykit' || tutorial.get(wire) !== undefined) continue;
      const bytes = this.checked(encodeTutorialMessage(message, wire), sendType);
      if (!bytes.ok) return bytes;
      tutorial = tutorial.with(wire, bytes.value);
    }
    return { ok: true, frame: checked.value, tutorial };
  }

  private checked(encoded: CodecResult<Uint8Array>, sendType: P2PSendType): { ok: true; value: Uint8Array } | { ok: false; failure: Failed } {
    if (!encoded.ok) {
      const code = encoded.code === 'too-large-to-send' ? 'too-large' : 'unencodable';
      return { ok: false, failure: this.refuseSend('send', code, encoded.detail, encoded.code) };
    }
    const sizeProblem = sendSizeProblem(encoded.value.length, sendType);
    if (sizeProblem !== undefined) return { ok: false, failure: this.refuseSend('send', 'too-large', sizeProblem, 'too-large-to-send') };
    return encoded;
  }

  /** A reliable message for a member whose wire is not known yet: held until it shows it; false when its hold is full. */
  private hold(slot: PeerSlot, frame: Uint8Array, message: unknown, sendType: P2PSendType, channel: number): boolean {
    const godot = (version: 3 | 4) => {
      const raw = encodeTutorialVariant(message, version);
      return raw.ok ? raw.value : undefined;
    };
    return this.core.held.hold(slot.id, { frame, godot: { 3: godot(3), 4: godot(4) }, sendType, channel });
  }

  /** A member showed its wire: what was held for it goes out now, in order, in that wire. */
  releaseHeld(slot: PeerSlot): void {
    const wire = slot.wire;
    if (wire === undefined) return;
    const channelOf = (game: number) => steamChannel(this.core.backend, wire, game);
    for (const { bytes, send } of this.core.held.release(slot.id, wire)) {
      if (this.core.reporter.guarded('send', () => this.sendTo(slot, bytes, send.sendType, channelOf(send.channel))) === true) {
        this.core.counters.packetsSent++;
        slot.lastSent = this.core.clock.now();
      }
    }
  }

  /** Sends through the member's route once the backend has given one: the id and its lookup are then skipped. */
  private sendTo(slot: PeerSlot, bytes: Uint8Array, sendType: P2PSendType, channel: number): boolean {
    const { routes, backend } = this.core;
    if (routes !== undefined && slot.route !== undefined) return routes.send(slot.route, bytes, sendType, channel);
    const sent = backend.sendP2P(slot.id, bytes, sendType, channel);
    if (sent && routes !== undefined) slot.route = routes.routeTo(slot.id);
    return sent;
  }
}
