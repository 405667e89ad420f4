/**
 * `lobbykit demo` (and `npm run demo`): the flags it takes, checked, and the narrated lobby story it plays on the
 * simulated Steam.
 */
import type { Command } from 'commander';
import type { CliIo } from './main.js';

interface RawFlags {
  readonly players?: string;
  readonly latency?: string;
  readonly loss?: string;
  readonly seed?: string;
  readonly json?: boolean;
}

/** Wall-clock pauses between steps and frames, only for a person watching a terminal. */
const STEP_PAUSE_MS = 250;
const FRAME_PAUSE_MS = 8;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Runs the demo and resolves to the exit code: 0 when the whole story happened. */
export async function runDemoCommand(flags: RawFlags, io: CliIo): Promise<number> {
  const { parseDemoOptions } = await import('../demo/options.js');
  const parsed = parseDemoOptions(flags);
  if (!parsed.ok) {
    io.stderr.write(`lobbykit demo: ${parsed.problem}\n`);
    return 2;
  }
  // Loaded here so `lobbykit --help` does not load the runtime and the simulator.
  const { runDemoStory } = await import('../demo/story.js');
  const { createTimeline, jsonLine, renderProgress, renderSummary, renderWireBytes } = await import('../demo/render.js');
  const { wireBytesRows } = await import('../demo/wire-bytes.js');

  const json = flags.json === true;
  const terminal = !json && isTerminal(io.stdout);
  const style = { color: terminal && process.env['NO_COLOR'] === undefined };
  const write = (text: string) => io.stdout.write(`${text}\n`);
  const timeline = createTimeline(style);
  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) io.stdout.write('\r\x1b[2K');
    progressShown = false;
  };

  const outcome = await runDemoStory(parsed.options, {
    onEvent: (event) => {
      if (json) return write(jsonLine(event));
      const lines = timeline.push(event);
      if (lines.length === 0) return;
      clearProgress();
      for (const line of lines) write(line);
    },
    ...(terminal
      ? {
          pace: (what: 'step' | 'frame') => pause(what === 'step' ? STEP_PAUSE_MS : FRAME_PAUSE_MS),
          onProgress: (progress: { readonly step: number; readonly done: number; readonly of: number }) => {
            io.stdout.write(`\r\x1b[2K${renderProgress(progress, style)}`);
            progressShown = true;
          },
        }
      : {}),
  });
  clearProgress();
  if (!json) for (const line of timeline.flush()) write(line);
  if (!outcome.ok) {
    io.stderr.write(`lobbykit demo: the story stopped at "${outcome.step}": ${outcome.problem}\n`);
    return 1;
  }
  const rows = wireBytesRows();
  if (json) {
    write(jsonLine({ type: 'summary', ...outcome.summary }));
    write(jsonLine({ type: 'wire-bytes', rows }));
  } else {
    write(renderSummary(outcome.summary, style));
    write(renderWireBytes(rows, style));
  }
  return 0;
}

export function registerDemoCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description(
      "Play the seed tutorial's whole lobby story on the simulated Steam: create, list, join (one refused: full), handshake, " +
        'chat, 60 Hz traffic on two channels, a lost link retried, a kick, an owner change, everyone leaving.',
    )
    .option('--players <n>', 'players in the story, the host included (4..251)', '6')
    .option('--latency <ms>', 'one-way P2P latency of the simulated network', '20')
    .option('--loss <p>', 'chance a datagram is lost, 0..0.5 (reliable ones are resent)', '0')
    .option('--seed <n>', 'seed for the network and the game traffic: the same seed prints the same run', '1')
    .option('--json', 'print the event log as JSON lines (Steam ids as strings), then the summary')
    .action(async (flags: RawFlags) => {
      setExit(await runDemoCommand(flags, io));
    });
}
