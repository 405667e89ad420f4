/**
 * `lobbykit bot` as a real process (the command users type, through bin/lobbykit.js), with `--json` lines read
 * as they come: every wait resolves on a line and rejects when the bot exits first, so no test sleeps.
 */
import { spawn } from 'node:child_process';
import { LineProcess, ROOT } from './godot3-game.js';

export type BotJson = Readonly<Record<string, unknown>> & { readonly event: string };

export class BotProcess extends LineProcess {
  constructor(label: string, args: readonly string[], deadlineMs: number) {
    super(label, spawn(process.execPath, ['bin/lobbykit.js', 'bot', '--json', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }), deadlineMs);
  }

  /** The first JSON line `match` accepts (already printed or to come). */
  event(what: string, match: (e: BotJson) => boolean): Promise<BotJson> {
    return this.waitForLine(what, (line) => {
      const e = parseLine(line);
      return e !== undefined && match(e) ? e : undefined;
    });
  }

  /** Every JSON line of kind `event` printed so far. */
  all(event: string): BotJson[] {
    return this.lines.map(parseLine).filter((e): e is BotJson => e?.event === event);
  }
}

function parseLine(line: string): BotJson | undefined {
  const value = JSON.parse(line) as unknown;
  return typeof value === 'object' && value !== null && typeof (value as { event?: unknown }).event === 'string' ? (value as BotJson) : undefined;
}
