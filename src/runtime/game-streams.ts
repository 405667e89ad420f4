/**
 * The streams a game subscribes to, besides the per-channel messages (packet-router.ts) and the member list
 * (member-directory.ts): lobby state, lobby data, chat, lifecycle, session and vote-kick events, "all connected", the
 * read backlog and errors.
 * Subjects stay private; the game gets Observables, and `complete()` ends them all at dispose.
 */
import { BehaviorSubject, Subject, defer, type Observable } from 'rxjs';
import type { SessionEmitted } from '../machines/session.machine.js';
import type { VoteKickEmitted } from '../machines/vote-kick.machine.js';
import type { LifecycleEvent } from './api.js';
import type { LobbyRuntimeError } from './errors.js';
import type { ChatMessage } from './event-translator.js';
import { sameLobbyState, type LobbyState } from './lobby-state.js';

export const EMPTY_DATA: Readonly<Record<string, string>> = Object.freeze({});

export class GameStreams {
  private readonly lobbySubject: BehaviorSubject<LobbyState>;
  private readonly dataSubject = new BehaviorSubject<Readonly<Record<string, string>>>(EMPTY_DATA);
  private readonly chatSubject = new Subject<ChatMessage>();
  private readonly lifecycleSubject = new Subject<LifecycleEvent>();
  private readonly sessionSubject = new Subject<SessionEmitted>();
  private readonly connectedSubject = new BehaviorSubject<boolean>(false);
  private readonly errorSubject = new Subject<LobbyRuntimeError>();
  private readonly voteSubject = new Subject<VoteKickEmitted>();
  /**
   * The read backlog changes on most busy ticks, and RxJS's `next` costs a closure and an iterator even with nobody
   * listening: the Subject hears of a change only while observed, and a new subscriber first brings it up to date.
   */
  private backlog = 0;
  private readonly backlogSubject = new BehaviorSubject<number>(0);

  readonly lobby$: Observable<LobbyState>;
  readonly lobbyData$ = this.dataSubject.asObservable();
  readonly chat$ = this.chatSubject.asObservable();
  readonly lifecycle$ = this.lifecycleSubject.asObservable();
  readonly sessions$ = this.sessionSubject.asObservable();
  readonly allConnected$ = this.connectedSubject.asObservable();
  readonly errors$ = this.errorSubject.asObservable();
  readonly votes$ = this.voteSubject.asObservable();
  readonly backlog$: Observable<number> = defer(() => {
    if (this.backlogSubject.getValue() !== this.backlog) this.backlogSubject.next(this.backlog);
    return this.backlogSubject.asObservable();
  });

  constructor(initialLobby: LobbyState) {
    this.lobbySubject = new BehaviorSubject(initialLobby);
    this.lobby$ = this.lobbySubject.asObservable();
  }

  get lobby(): LobbyState {
    return this.lobbySubject.getValue();
  }

  get lobbyData(): Readonly<Record<string, string>> {
    return this.dataSubject.getValue();
  }

  get allConnected(): boolean {
    return this.connectedSubject.getValue();
  }

  setLobby(state: LobbyState): void {
    if (!sameLobbyState(state, this.lobbySubject.getValue())) this.lobbySubject.next(state);
  }

  /** Publishes a copy when the backend handed out a different object (backends reuse theirs while unchanged). */
  setLobbyData(data: Readonly<Record<string, string>>): void {
    if (data !== this.dataSubject.getValue()) this.dataSubject.next(data === EMPTY_DATA ? data : { ...data });
  }

  setAllConnected(all: boolean): void {
    if (all !== this.connectedSubject.getValue()) this.connectedSubject.next(all);
  }

  chat(message: ChatMessage): void {
    this.chatSubject.next(message);
  }

  lifecycle(event: LifecycleEvent): void {
    this.lifecycleSubject.next(event);
  }

  session(event: SessionEmitted): void {
    this.sessionSubject.next(event);
  }

  error(error: LobbyRuntimeError): void {
    this.errorSubject.next(error);
  }

  vote(event: VoteKickEmitted): void {
    this.voteSubject.next(event);
  }

  setBacklog(unread: number): void {
    if (unread === this.backlog) return;
    this.backlog = unread;
    if (this.backlogSubject.observed) this.backlogSubject.next(unread);
  }

  complete(): void {
    const subjects: readonly { complete(): void }[] = [
      this.lobbySubject,
      this.dataSubject,
      this.chatSubject,
      this.lifecycleSubject,
      this.sessionSubject,
      this.connectedSubject,
      this.errorSubject,
      this.voteSubject,
      this.backlogSubject,
    ];
    for (const subject of subjects) subject.complete();
  }
}
