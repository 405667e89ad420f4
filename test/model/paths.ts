/** Path helpers shared by the model-based test files. */
import type { ContractPath } from './contract.js';

/** Paths that are a prefix of a longer path run inside it (each step is judged), so only maximal ones run. */
export function maximal<P extends ContractPath<unknown, { readonly type: string }>>(paths: readonly P[]): P[] {
  const keys = paths.map((p) => `${p.events.map((e) => JSON.stringify(e.type)).join('\n')}\n`);
  return paths.filter((_, i) => !keys.some((other, j) => j !== i && other.length > keys[i]!.length && other.startsWith(keys[i]!)));
}
