/**
 * Whether `actual` passes the very assertion a world makes at the end of a step (`toEqual`, asymmetric matchers
 * included), so waiting for a step to be reached stops exactly when its judgement would pass.
 */
import { expect } from 'vitest';

export function matchesAsAsserted(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}
