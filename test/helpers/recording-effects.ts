import type { MachineEffects } from '../../src/machines/effects.js';
import { NO_EFFECTS } from '../../src/machines/effects.js';

export type EffectName = keyof MachineEffects;
export type EffectCall = readonly [name: EffectName, params: unknown];

/**
 * Effects that only record what the machines asked for, in order, for tests of the bare machines. `overrides`
 * answer some requests (e.g. a script that sends the result back).
 */
export function recordingEffects(overrides: Partial<MachineEffects> = {}): {
  readonly effects: MachineEffects;
  readonly calls: EffectCall[];
  named(name: EffectName): unknown[];
} {
  const calls: EffectCall[] = [];
  const effects = {} as Record<EffectName, (params?: unknown) => void>;
  for (const name of Object.keys(NO_EFFECTS) as EffectName[]) {
    const override = overrides[name] as ((params?: unknown) => void) | undefined;
    effects[name] = (params?: unknown) => {
      calls.push([name, params]);
      override?.(params);
    };
  }
  return {
    effects: effects as unknown as MachineEffects,
    calls,
    named: (name) => calls.filter(([n]) => n === name).map(([, p]) => p),
  };
}
