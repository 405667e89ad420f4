/**
 * Compiles a small shape accessor with `new Function`, or gives undefined where code generation is forbidden — an
 * Electron renderer or a page whose Content-Security-Policy has no 'unsafe-eval' throws EvalError. Callers then
 * use their interpreted path, which decodes the same bytes, only more slowly; after the first refusal we stop
 * asking.
 */
let allowed = true;

export function compileFunction<F>(params: readonly string[], body: string): F | undefined {
  if (!allowed) return undefined;
  try {
    return new Function(...params, body) as F;
  } catch {
    allowed = false;
    return undefined;
  }
}

/**
 * Compiled shape accessors shared by every encoder (or decoder) in the process, one per key list. A process with
 * many codecs (a host that gives each of its runtimes its own) would otherwise compile the same accessor once per
 * codec and spend the budget after a few hundred, leaving the rest on the interpreted path: at 2,000 codecs that
 * was most of them (`npm run bench -- scale`, before runtimes shared a default codec). Bounded, so hostile key
 * lists cannot grow it: past `limit` distinct lists, new ones get undefined and take the interpreted path.
 */
export class CompiledShapes<F> {
  private readonly byKeys = new Map<string, F | undefined>();

  constructor(
    private readonly limit: number,
    private readonly build: (keys: readonly string[]) => F | undefined,
  ) {}

  /** The accessor for `keys`, compiled on first request; undefined when the budget is spent or eval is refused. */
  for(keys: readonly string[]): F | undefined {
    const id = JSON.stringify(keys);
    if (this.byKeys.has(id)) return this.byKeys.get(id);
    if (this.byKeys.size >= this.limit) return undefined;
    const compiled = this.build(keys);
    this.byKeys.set(id, compiled);
    return compiled;
  }
}
