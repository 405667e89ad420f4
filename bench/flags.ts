// Reading `--name=value` flags, for the suites that take numbers (scale, soak, hostile, ab).

/** The text after `--name=`, or undefined when the flag is not given. */
export function flagValue(flags: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return flags.find((f) => f.startsWith(prefix))?.slice(prefix.length);
}

/** The flag as a finite number, or undefined when it is missing or not a number; each suite applies its own bounds. */
export function numberFlag(flags: readonly string[], name: string): number | undefined {
  const text = flagValue(flags, name);
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The flag when it is a number above 0, else `fallback` (scale's and ab's sizes and durations). */
export function positiveFlag(flags: readonly string[], name: string, fallback: number): number {
  const value = numberFlag(flags, name);
  return value !== undefined && value > 0 ? value : fallback;
}
