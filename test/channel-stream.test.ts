import { Subject, config, filter, map, take, type Observable } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelStream } from '../src/runtime/channel-stream.js';

describe('ChannelStream (the per-channel multicast of game messages)', () => {
  afterEach(() => vi.useRealTimers());

  it('delivers each message to every subscriber in subscription order, and composes with RxJS operators', () => {
    const stream = new ChannelStream<number>();
    const seen: string[] = [];
    stream.observable.subscribe((v) => seen.push(`a${v}`));
    stream.observable
      .pipe(
        filter((v) => v % 2 === 0),
        map((v) => v * 10),
        take(2),
      )
      .subscribe((v) => seen.push(`b${v}`));
    for (let v = 1; v <= 5; v++) stream.next(v);
    expect(seen).toEqual(['a1', 'a2', 'b20', 'a3', 'a4', 'b40', 'a5']);
  });

  it('is hot: a late subscriber sees only later messages, and one that unsubscribes sees no more', () => {
    const stream = new ChannelStream<string>();
    const early: string[] = [];
    const late: string[] = [];
    const subscription = stream.observable.subscribe((v) => early.push(v));
    stream.next('one');
    stream.observable.subscribe((v) => late.push(v));
    stream.next('two');
    subscription.unsubscribe();
    stream.next('three');
    expect(early).toEqual(['one', 'two']);
    expect(late).toEqual(['two', 'three']);
  });

  it('delivers to exactly the current subscribers as they come and go one at a time (1, 0, 1, 2, 1, 0)', () => {
    const stream = new ChannelStream<number>();
    const seen: string[] = [];
    const a = stream.observable.subscribe((v) => seen.push(`a${v}`));
    stream.next(1);
    a.unsubscribe();
    stream.next(2);
    const b = stream.observable.subscribe((v) => seen.push(`b${v}`));
    stream.next(3);
    const c = stream.observable.subscribe((v) => seen.push(`c${v}`));
    stream.next(4);
    b.unsubscribe();
    stream.next(5);
    c.unsubscribe();
    stream.next(6);
    expect(seen).toEqual(['a1', 'b3', 'b4', 'c4', 'c5']);
  });

  it('is not disturbed by handlers that subscribe or unsubscribe during a delivery', () => {
    const stream = new ChannelStream<number>();
    const seen: string[] = [];
    const first = stream.observable.subscribe((v) => {
      seen.push(`first${v}`);
      if (v === 1) {
        first.unsubscribe();
        stream.observable.subscribe((w) => seen.push(`added${w}`));
      }
    });
    stream.observable.subscribe((v) => seen.push(`second${v}`));
    stream.next(1);
    stream.next(2);
    // The second subscriber still got message 1; the one added during it starts with message 2.
    expect(seen).toEqual(['first1', 'second1', 'second2', 'added2']);
  });

  it('keeps delivering to the others when a handler throws, and reports the error as RxJS does (asynchronously)', () => {
    vi.useFakeTimers();
    const stream = new ChannelStream<number>();
    const seen: number[] = [];
    stream.observable.subscribe(() => {
      throw new Error('game handler bug');
    });
    stream.observable.subscribe((v) => seen.push(v));
    expect(() => stream.next(7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(() => vi.runAllTimers()).toThrow('game handler bug');
  });

  it('lets an unsubscribed subscriber go, as a Subject does: nothing is offered to it afterwards', () => {
    // RxJS reports a message offered to a subscriber that has unsubscribed to `config.onStoppedNotification`; a
    // Subject (the oracle) drops the subscriber at unsubscribe, so it reports none, and neither may the stream.
    vi.useFakeTimers();
    function script(source: Observable<number>, next: (v: number) => void): { seen: string[]; stopped: number } {
      let stopped = 0;
      config.onStoppedNotification = () => stopped++;
      try {
        const seen: string[] = [];
        const a = source.subscribe((v) => seen.push(`a${v}`));
        const b = source.subscribe((v) => seen.push(`b${v}`));
        next(1);
        a.unsubscribe();
        next(2);
        b.unsubscribe();
        next(3);
        const c = source.subscribe((v) => seen.push(`c${v}`));
        next(4);
        c.unsubscribe();
        next(5);
        vi.runAllTimers();
        return { seen, stopped };
      } finally {
        config.onStoppedNotification = null;
      }
    }
    const subject = new Subject<number>();
    const oracle = script(subject.asObservable(), (v) => subject.next(v));
    expect(oracle).toEqual({ seen: ['a1', 'b1', 'b2', 'c4'], stopped: 0 });
    const stream = new ChannelStream<number>();
    expect(script(stream.observable, (v) => stream.next(v))).toEqual(oracle);
  });

  it('completes every subscriber once, and a subscriber after completion completes at once', () => {
    const stream = new ChannelStream<number>();
    const events: string[] = [];
    stream.observable.subscribe({ next: (v) => events.push(`n${v}`), complete: () => events.push('done1') });
    stream.observable.subscribe({ complete: () => events.push('done2') });
    stream.next(1);
    stream.complete();
    stream.complete();
    stream.next(2);
    stream.observable.subscribe({ next: () => events.push('late'), complete: () => events.push('done3') });
    expect(events).toEqual(['n1', 'done1', 'done2', 'done3']);
  });
});
