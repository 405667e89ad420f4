/**
 * Small shape accessors compiled with `new Function`, one per key list, kept by the encoder or decoder that asked
 * for them (so one lobby's hostile key lists can only spend its own codec's budget). Where code generation is
 * forbidden — an Electron renderer, a page whose Content-Security-Policy has no 'unsafe-eval' throws EvalError —
 * the accessor is undefined and the caller uses its interpreted path, which decodes the same bytes, only more
 * slowly; after the first refusal the cache stops asking. Bounded, so hostile key lists cannot grow it: past
 * `limit` distinct lists, new ones get undefined too.
 */
export class CompiledShapes<F> {
  private readonly byKeys = new Map<string, F | undefined>();
  private evalRefused = false;

  constructor(
    private readonly limit: number,
    /** The parameter names and body of the accessor for `keys`, or undefined when there must be none. */
    private readonly source: (keys: readonly string[]) => { readonly params: readonly string[]; readonly body: string } | undefined,
  ) {}

  /** The accessor for `keys`, compiled on first request; undefined when the budget is spent or eval is refused. */
  for(keys: readonly string[]): F | undefined {
    if (this.evalRefused) return undefined;
    const id = JSON.stringify(keys);
    if (this.byKeys.has(id)) return this.byKeys.get(id);
    if (this.byKeys.size >= this.limit) return undefined;
    const source = this.source(keys);
    let compiled: F | undefined;
    if (source !== undefined) {
      try {
        compiled = new Function(...source.params, source.body) as F;
      } catch {
        this.evalRefused = true;
        return undefined;
      }
    }
    this.byKeys.set(id, compiled);
    return compiled;
  }
}
