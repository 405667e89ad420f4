/**
 * The per-channel stream of game messages: a multicast Observable cheaper per message than an RxJS Subject.
 */
import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot multicast Observable for one channel's game messages: what an RxJS Subject does for `next`, minus its cost
 * per message. Under Node, `import 'rxjs'` resolves to RxJS's ES5 build, whose `Subject.next` allocates a closure,
 * an iterator and an iterator result per call, for every message delivered. Here delivery is an index loop over
 * the subscribers.
 *
 * The subscriber list is replaced, never changed in place, so a handler that subscribes or unsubscribes while a
 * message is delivered does not disturb the loop (as with a Subject, a new subscriber sees the next message).
 */
export class ChannelStream<T> {
  private subscribers: readonly Subscriber<T>[] = [];
  /**
   * The one subscriber when there is exactly one (a game's usual case), so delivery does not load the list: at
   * many runtimes the list is a cold load per message.
   */
  private only: Subscriber<T> | undefined = undefined;
  private done = false;
  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    if (this.done) {
      subscriber.complete();
      return undefined;
    }
    this.setSubscribers([...this.subscribers, subscriber]);
    return () => {
      this.setSubscribers(this.subscribers.filter((s) => s !== subscriber));
    };
  });

  next(value: T): void {
    const only = this.only;
    if (only !== undefined) {
      only.next(value);
      return;
    }
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  complete(): void {
    if (this.done) return;
    this.done = true;
    const subscribers = this.subscribers;
    this.setSubscribers([]);
    for (const subscriber of subscribers) subscriber.complete();
  }

  private setSubscribers(subscribers: readonly Subscriber<T>[]): void {
    this.subscribers = subscribers;
    this.only = subscribers.length === 1 ? subscribers[0] : undefined;
  }
}
