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
