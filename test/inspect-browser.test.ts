import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/effects/clock.js';
import { startSimulatedLobby, type SimulatedLobby } from '../src/inspect/simulated-lobby.js';
import { createInspectServer, type InspectServer } from '../src/inspect/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const available = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (!available && !inCi) {
  console.warn(`inspect-browser: SKIPPED — ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping.`);
}

const open: { browser?: Browser; server?: InspectServer; lobby?: SimulatedLobby } = {};
afterAll(async () => {
  await open.browser?.close();
  open.lobby?.stop();
  await open.server?.close();
});

/** A chart's width as drawn, at actual size (the SVG's own width attribute) and its panel's, with the zoom level shown. */
async function chartSize(page: Page, machine: string) {
  return page.evaluate((id) => {
    const section = document.querySelector(`section[data-machine="${id}"]`)!;
    const drawing = section.querySelector<HTMLElement>('.drawing')!;
    const svg = drawing.querySelector('svg')!;
    return {
      natural: svg.width.baseVal.value,
      rendered: svg.getBoundingClientRect().width,
      panel: drawing.clientWidth,
      scrollable: drawing.scrollWidth > drawing.clientWidth,
      level: section.querySelector('[data-zoom-level]')?.textContent ?? '',
    };
  }, machine);
}

describe.skipIf(!available && !inCi)('the offline viewer in Chromium', () => {
  it('shows the runtime-driven lobby joined and every peer connected, live', async () => {
    expect(available, `${CHROMIUM} is required in CI`).toBe(true);
    const clock = new VirtualClock();
    open.server = await createInspectServer({ clock });
    open.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const page = await open.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(10_000);
    await page.goto(open.server.url);
    await page.waitForSelector('#connection:not(.offline)');

    // The page is connected before anything happens: it must follow the lobby live, not just on load.
    // The lobby `lobbykit inspect` shows: real runtimes (ours inspected, four bots) on the simulated Steam.
    open.lobby = startSimulatedLobby({ clock, inspect: open.server.inspect, members: 4, memberEveryMs: 700 });
    await page.waitForSelector('#actors li[data-actor="lobby"]');
    // Runtime commands resolve through promises: let them run between frames.
    for (let t = 0; t < 12_000; t += 50) {
      clock.advance(50);
      await new Promise((resolve) => setImmediate(resolve));
    }

    const peers = open.lobby.memberIds.map((id) => `peer:${id}`);
    expect(peers).toHaveLength(4);
    await page.waitForFunction(
      (names) => {
        const lobby = document.querySelector('#actors li[data-actor="lobby"]');
        const rows = names.map((n) => document.querySelector(`#actors li[data-actor="${n}"]`));
        return lobby?.getAttribute('data-state') === 'joined' && rows.every((r) => r?.getAttribute('data-state') === 'connected');
      },
      peers,
      { timeout: 10_000 },
    );
    // The charts highlight the current states.
    expect(await page.locator('section[data-machine="lobby"] g[id="state:lobby.joined.present"].active').count()).toBe(1);
    expect(await page.locator('section[data-machine="session"] g[id="state:session.inLobby.allConnected"].active').count()).toBe(1);
    expect(await page.locator('section[data-machine="peerSession"] g[id="state:peerSession.connected"].active').count()).toBe(1);
    expect(await page.locator('#log li').count()).toBeGreaterThan(20);

    // Every chart opens fitted to its panel's width, never enlarged past its actual size (Graphviz's width).
    for (const machine of ['session', 'lobby', 'peerSession']) {
      const fit = await chartSize(page, machine);
      expect(fit.rendered, machine).toBeLessThanOrEqual(Math.min(fit.natural, fit.panel) + 1);
      expect(fit.rendered, machine).toBeGreaterThanOrEqual(Math.min(fit.natural, fit.panel) - 1);
      expect(fit.level, machine).toBe(`${Math.round((fit.rendered / fit.natural) * 100)}%`);
    }
    // The lobby chart is wider than the panel: it fits by shrinking, and the visible zoom control enlarges it.
    const lobby = page.locator('section[data-machine="lobby"]');
    const fitted = await chartSize(page, 'lobby');
    expect(fitted.natural).toBeGreaterThan(fitted.panel * 1.5);
    await expect.poll(() => lobby.locator('.zoom').isVisible()).toBe(true);
    await lobby.getByRole('button', { name: 'Zoom in' }).click();
    const zoomedIn = await chartSize(page, 'lobby');
    expect(zoomedIn.rendered).toBeGreaterThan(fitted.rendered * 1.05);
    expect(zoomedIn.scrollable).toBe(true);
    expect(zoomedIn.level).toBe(`${Math.round((zoomedIn.rendered / zoomedIn.natural) * 100)}%`);
    await lobby.getByRole('button', { name: 'Actual size' }).click();
    const actual = await chartSize(page, 'lobby');
    expect(Math.abs(actual.rendered - actual.natural)).toBeLessThanOrEqual(1);
    expect(actual.level).toBe('100%');
    await lobby.getByRole('button', { name: 'Zoom out' }).click();
    expect((await chartSize(page, 'lobby')).rendered).toBeLessThan(actual.rendered * 0.95);
    await lobby.getByRole('button', { name: 'Fit to width' }).click();
    expect(await chartSize(page, 'lobby')).toEqual(fitted);

    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/inspector.png' });
  });
});
