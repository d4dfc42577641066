import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

/**
 * Chromium for the report's browser tests and scripts/report-screenshot.ts.
 * The tests drive Debian's `chromium` package through playwright-core (no
 * browser download); scripts/install-chromium.sh installs it with the same
 * search as here. A missing browser is an error, never a skipped test: the
 * report's page is only tested where it runs.
 */

/** Where Debian and Ubuntu put the browser, tried after PROBE_CHROMIUM. */
const KNOWN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
/** The names looked up on PATH last, as `which` would. */
const PATH_NAMES = ['chromium', 'chromium-browser'];

const HOW_TO_INSTALL =
  'install it with `apt-get install -y --no-install-recommends chromium` (or `make setup`, which does so when it may), ' +
  'or set PROBE_CHROMIUM to a Chromium or Chrome executable';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The Chromium executable: PROBE_CHROMIUM, then the known paths, then PATH; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.PROBE_CHROMIUM;
  if (chosen !== undefined && chosen !== '') {
    // a wrong explicit choice is an error, not a reason to pick another browser
    if (!executable(chosen)) throw new Error(`PROBE_CHROMIUM=${chosen} is not an executable file; ${HOW_TO_INSTALL}`);
    return chosen;
  }
  for (const path of KNOWN_PATHS) if (executable(path)) return path;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of PATH_NAMES) {
      const path = join(dir, name);
      if (executable(path)) return path;
    }
  }
  return undefined;
}

/** Launches headless Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    throw new Error(`Chromium was not found (PROBE_CHROMIUM, ${KNOWN_PATHS.join(', ')}, ${PATH_NAMES.join(' or ')} on PATH): ${HOW_TO_INSTALL}`);
  }
  // --no-sandbox: Chromium refuses to start its sandbox as root (containers, CI)
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** What a page did while it was open: the problems a report must not have. */
export interface PageRecord {
  /** console.error messages and uncaught exceptions, as text. */
  readonly errors: string[];
  /** Every URL the page requested, in order. */
  readonly requests: string[];
}

/** Records the page's console errors, uncaught exceptions and requests from now on. */
export function recordPage(page: Page): PageRecord {
  const record: PageRecord = { errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') record.errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => record.errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('request', (request: Request) => record.requests.push(request.url()));
  return record;
}

/** The requests that leave the file itself: anything but `pageUrl` and data:/blob: URLs. */
export function outsideRequests(record: PageRecord, pageUrl: string): string[] {
  return record.requests.filter((url) => url !== pageUrl && !url.startsWith('data:') && !url.startsWith('blob:'));
}

/**
 * Records, in the page, performance.now() (milliseconds since navigation
 * started) when html[data-leaderboard] becomes 'ready', and when the next
 * frame after it has been painted (a requestAnimationFrame callback runs
 * just before a paint; a task queued from it, just after): the page's own
 * clock, free of the round trips of polling from here.
 */
// the document may have no <html> element yet when init scripts run: observe the document's subtree
const READY_CLOCK = `new MutationObserver((_, observer) => {
  if (document.documentElement?.dataset.leaderboard !== 'ready') return;
  observer.disconnect();
  window.__probeLeaderboard = { ready: performance.now() };
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { window.__probeLeaderboard.painted = performance.now(); };
    channel.port2.postMessage(null);
  });
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-leaderboard'] });`;

/** Milliseconds from the start of the navigation, by the page's clock. */
export interface LeaderboardTiming {
  /** To html[data-leaderboard=ready]. */
  readonly ready: number;
  /** To the first frame painted after it: the leaderboard on screen. */
  readonly painted: number;
}

/**
 * Opens a report's index.html and waits until its leaderboard is in the DOM
 * (html[data-leaderboard=ready]) and painted; the limit is "on
 * screen within 3 s of opening the file".
 */
export async function openReport(page: Page, url: string, timeout = 30_000): Promise<LeaderboardTiming> {
  await page.addInitScript(READY_CLOCK);
  await page.goto(url, { waitUntil: 'commit', timeout });
  await page.waitForSelector('html[data-leaderboard="ready"]', { state: 'attached', timeout });
  await page.waitForFunction('window.__probeLeaderboard?.painted !== undefined', undefined, { timeout });
  const timing = await page.evaluate<LeaderboardTiming | undefined>('window.__probeLeaderboard');
  if (timing === undefined) throw new Error(`${url}: data-leaderboard=ready was set before the page's first script ran`);
  return timing;
}

/** Milliseconds of a drill-down switch, by the page's clock. */
export interface DrillTiming {
  /** Until window.probeReport.drill's promise resolved. */
  readonly resolved: number;
  /** Until the next frame after it was painted. */
  readonly painted: number;
}

/** Opens the drill-down of a combination through window.probeReport.drill, timing it. */
export async function drill(page: Page, combo: number): Promise<DrillTiming> {
  if (!Number.isInteger(combo) || combo < 0) throw new Error(`not a combination index: ${combo}`);
  // a string expression: the tests are typed without the DOM's lib
  return page.evaluate<DrillTiming>(`(async () => {
    const start = performance.now();
    await window.probeReport.drill(${combo});
    const resolved = performance.now() - start;
    await new Promise((done) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = done;
      channel.port2.postMessage(null);
    }));
    return { resolved, painted: performance.now() - start };
  })()`);
}

/** Resolves when every chart of the page is drawn (window.probeReport.ready). */
export async function chartsReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction('window.probeReport !== undefined && window.probeReport.ready !== undefined', undefined, { timeout });
  await page.evaluate('window.probeReport.ready.then(() => true)');
}

/**
 * A picture of the page from its top, `height` pixels tall (default: the
 * whole page). The viewport is made that tall rather than the shot taken
 * with fullPage: rows styled content-visibility:auto are drawn only inside
 * the viewport, and would be blank below it.
 */
export async function pagePicture(page: Page, path: string, height?: number): Promise<void> {
  const width = page.viewportSize()?.width ?? 1400;
  const tall = height ?? (await page.evaluate<number>('document.documentElement.scrollHeight'));
  await page.setViewportSize({ width, height: tall });
  await page.evaluate('window.scrollTo(0, 0)');
  // two frames: layout and paint at the new size
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  await page.screenshot({ path });
}
