// A CPU profile of one stretch of a benchmark (V8's sampling profiler, through node:inspector), and where its time
// went by module, in ns per message: where the scale run's time per message goes, and how that moves with the
// number of runtimes (`npm run bench -- scale --cpu-profile=<file>`). The .cpuprofile file opens in Chrome's DevTools as it is.
import { Session } from 'node:inspector/promises';

/** The part of V8's `Profiler.Profile` read here. */
export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string } }[];
  readonly samples: readonly number[];
  /** Microseconds before each sample: sample i stands for the time since sample i − 1. */
  readonly timeDeltas: readonly number[];
}

export interface ModuleTime {
  readonly module: string;
  readonly nanosPerUnit: number;
}

/**
 * Starts sampling every `intervalMicros`; the returned function stops and hands back the profile. Samples are taken
 * on the main thread only, so a synchronous run is profiled as it ran (at some cost: compare wall times of runs
 * made without it).
 */
export async function startCpuProfile(intervalMicros = 500): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return { nodes: profile.nodes, samples: profile.samples ?? [], timeDeltas: profile.timeDeltas ?? [] };
  };
}

const PSEUDO_FRAMES = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/**
 * The module a frame belongs to: a file of this repository by its path without the build folder or extension
 * (`effects/sim/core`, so dist/ and src/ runs read alike; `bench/scale-world`), a dependency by its package name,
 * V8's pseudo-frames as they are, and frames with no script (builtins, native code) as `(native)`.
 */
export function moduleOf(url: string, functionName: string, rootUrl: string): string {
  if (PSEUDO_FRAMES.has(functionName)) return functionName;
  if (url === '') return '(native)';
  const inPackages = url.lastIndexOf('/node_modules/');
  if (inPackages >= 0) {
    const [first = '', second = ''] = url.slice(inPackages + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith(rootUrl)) {
    const path = url.slice(rootUrl.length).replace(/\.[cm]?[jt]s$/, '');
    return path.replace(/^(dist|src)\//, '');
  }
  return url.startsWith('node:') ? 'node' : url;
}

/**
 * Sampled time by module, divided by `units` (messages delivered, say) and in ns, largest first. A function inlined
 * into another is sampled as its caller, so a module's figure includes what the compiler inlined into it.
 */
export function timeByModule(profile: CpuProfile, units: number, rootUrl: string): ModuleTime[] {
  const moduleOfNode = new Map<number, string>();
  for (const node of profile.nodes) moduleOfNode.set(node.id, moduleOf(node.callFrame.url, node.callFrame.functionName, rootUrl));
  const micros = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const module = moduleOfNode.get(id) ?? '(unknown)';
    micros.set(module, (micros.get(module) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...micros]
    .map(([module, us]) => ({ module, nanosPerUnit: (us * 1000) / units }))
    .sort((a, b) => b.nanosPerUnit - a.nanosPerUnit);
}
