/**
 * One outstanding request of a kind (the lobby machine runs one create/join and one list at a time), resolved
 * exactly once by whichever outcome comes first. Promises only ever resolve: failures are values.
 */
export class RequestSlot<K extends string, R> {
  private pending: { readonly kind: K; readonly resolve: (result: R) => void } | undefined;

  get kind(): K | undefined {
    return this.pending?.kind;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  open(kind: K): Promise<R> {
    return new Promise<R>((resolve) => {
      this.pending = { kind, resolve };
    });
  }

  /** Resolves the pending request if it is of `kind` (any kind when omitted); true when one was resolved. */
  settle(result: R, kind?: K): boolean {
    const pending = this.pending;
    if (pending === undefined || (kind !== undefined && pending.kind !== kind)) return false;
    this.pending = undefined;
    pending.resolve(result);
    return true;
  }
}
