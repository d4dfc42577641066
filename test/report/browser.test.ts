import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvLine } from '../../runtime/input/csv.js';
import { chartsReady, drill, findChromium, launchChromium, openReport, outsideRequests, pagePicture, recordPage, type PageRecord } from '../support/browser.js';
import { ROOT } from '../support/cli.js';
import { PARITY_DIR, PARITY_TIMEFRAMES } from '../support/parity-fixtures.js';

/**
 * index.html in a real Chromium (issue 14): a report of a real run (`probe
 * backtest` on the parity bars, then `probe report --from`), checked against
 * the summary.csv and trades.csv beside it, through the DOM contract the page
 * states (ids, data- attributes, window.probeReport). No browser is an
 * error (test/support/browser.ts), never a skip.
 */

/** Lines of a CSV file as fields, header first. */
function readCsv(path: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line !== '').map(parseCsvLine);
  return { header: header!, rows };
}

/** Reads a column by name from rows of `header`. */
function columns(header: readonly string[]): (row: readonly string[], name: string) => string {
  return (row, name) => {
    const k = header.indexOf(name);
    if (k < 0) throw new Error(`no column ${name} in ${header.join(',')}`);
    return row[k]!;
  };
}

function run(args: readonly string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => (code === 0 ? done() : fail(new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}`))));
  });
}

/** A metric field as a number (Python's repr writes inf); null when empty. */
function metric(text: string): number | null {
  if (text === '') return null;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** The empty values sit together at one end and the others are ordered as `direction`. */
function sortProblem(values: readonly (number | null)[], direction: 'descending' | 'ascending'): string | undefined {
  const numbers = values.filter((v): v is number => v !== null);
  const empties = values.length - numbers.length;
  const emptyAtEnd = values.slice(values.length - empties).every((v) => v === null);
  const emptyAtStart = values.slice(0, empties).every((v) => v === null);
  if (!emptyAtEnd && !emptyAtStart) return 'empty values are not together at one end';
  for (let k = 1; k < numbers.length; k++) {
    const ordered = direction === 'descending' ? numbers[k - 1]! >= numbers[k]! : numbers[k - 1]! <= numbers[k]!;
    if (!ordered) return `${direction} order broken at ${numbers[k - 1]} then ${numbers[k]}`;
  }
  return undefined;
}

describe('the Chromium launcher (test/support/browser.ts)', () => {
  it('takes PROBE_CHROMIUM when set, and fails on one that is not an executable file, saying how to install Chromium', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-chromium-'));
    const plain = join(dir, 'chromium');
    writeFileSync(plain, '#!/bin/sh\n');
    try {
      for (const wrong of [join(dir, 'missing'), dir, plain]) {
        expect(() => findChromium({ PROBE_CHROMIUM: wrong, PATH: '' })).toThrow(/PROBE_CHROMIUM=.*apt-get install -y --no-install-recommends chromium/);
      }
      chmodSync(plain, 0o755);
      expect(findChromium({ PROBE_CHROMIUM: plain, PATH: '' })).toBe(plain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The page redraws on events; a loaded machine may take seconds (expect.poll's default is one). */
const POLL = { timeout: 15_000 };

describe('index.html in Chromium', () => {
  const screenshot = resolve(ROOT, '.probe', 'report-screenshot.png');
  // made in beforeAll, which does not run when every test here is filtered out
  let bundle: string | undefined;
  let work: string | undefined;
  let out: string;
  let pageUrl: string;

  let browser: Browser | undefined;
  let page: Page;
  let record: PageRecord;
  let summary: { header: string[]; rows: string[][] };
  let trades: { header: string[]; rows: string[][] };
  let s: (row: readonly string[], name: string) => string;
  let t: (row: readonly string[], name: string) => string;
  const barCount = new Map<string, number>();

  beforeAll(async () => {
    // the built CLI, bundled from the sources as scripts/bundle.mjs ships it (inside the project, so that its packages resolve)
    mkdirSync(resolve(ROOT, '.probe'), { recursive: true });
    bundle = mkdtempSync(resolve(ROOT, '.probe', 'browser-test-'));
    work = mkdtempSync(join(tmpdir(), 'probe-report-browser-'));
    const data = join(work, 'data');
    const report = join(work, 'report');
    out = join(work, 'out');
    pageUrl = pathToFileURL(join(report, 'index.html')).href;
    mkdirSync(data);
    for (const timeframe of PARITY_TIMEFRAMES) {
      const file = `bars_${timeframe}.csv`;
      copyFileSync(join(PARITY_DIR, file), join(data, file));
      barCount.set(timeframe, readFileSync(join(data, file), 'utf8').split(/\r?\n/).filter((l) => l !== '').length - 1);
    }
    await run(['scripts/bundle.mjs', '--outdir', relative(ROOT, bundle)]);
    const cli = join(bundle, 'cli.js');
    await run([cli, 'backtest', '--data', data, '--symbol', 'SYNTH', '--out', out]);
    await run([cli, 'report', '--from', out, '--out', report]);
    summary = readCsv(join(report, 'summary.csv'));
    trades = readCsv(join(out, 'trades.csv'));
    s = columns(summary.header);
    t = columns(trades.header);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    record = recordPage(page);
    await openReport(page, pageUrl);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const dir of [bundle, work]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The data-combo of every leaderboard row, in the order shown. */
  const shownCombos = async (): Promise<number[]> =>
    (await page.evaluate<string[]>(`[...document.querySelectorAll('#leaderboard tbody tr')].map((tr) => tr.dataset.combo ?? '')`)).map(Number);

  /** The text of each shown row's cell under th[data-key=key]. */
  const shownCells = (key: string): Promise<string[]> =>
    page.evaluate<string[]>(`(() => {
      const heads = [...document.querySelectorAll('#leaderboard thead th')];
      const k = heads.findIndex((th) => th.dataset.key === ${JSON.stringify(key)});
      if (k < 0) throw new Error('no th[data-key=${key}]');
      return [...document.querySelectorAll('#leaderboard tbody tr')].map((tr) => tr.children[k]?.textContent.trim() ?? 'missing cell');
    })()`);

  /** Indices of summary.csv's rows (= combinations) that satisfy `keep`. */
  const summaryWhere = (keep: (row: string[]) => boolean): number[] => summary.rows.flatMap((row, k) => (keep(row) ? [k] : []));

  /** trades.csv's rows of a combination (summary.csv's row k). */
  const tradesOf = (k: number): string[][] => {
    const row = summary.rows[k]!;
    const key = ['symbol', 'timeframe', 'strategy_id', 'risk_profile'].map((name) => s(row, name)).join('/');
    return trades.rows.filter((trade) => ['symbol', 'timeframe', 'strategy_id', 'risk_profile'].map((name) => t(trade, name)).join('/') === key);
  };

  it('opens from file:// with no console error, no uncaught exception and no request but the file itself', async () => {
    await chartsReady(page);
    expect(record.errors).toEqual([]);
    expect(record.requests).toContain(pageUrl);
    expect(outsideRequests(record, pageUrl)).toEqual([]);
  });

  it('shows one leaderboard row per summary.csv row, each the row of its data-combo', async () => {
    expect(summary.rows.length).toBe(900);
    const combos = await shownCombos();
    expect(combos.length).toBe(summary.rows.length);
    expect([...combos].sort((a, b) => a - b)).toEqual(summary.rows.map((_, k) => k));
    // the row of data-combo k shows summary.csv's row k: its strategy name, and an empty return exactly where summary.csv has none
    const names = await shownCells('strategy_name');
    const returns = await shownCells('total_return');
    combos.forEach((k, r) => {
      expect(names[r], `row ${r}`).toContain(s(summary.rows[k]!, 'strategy_name'));
      expect(returns[r] === '', `row ${r} (combo ${k}): total_return "${returns[r]}"`).toBe(s(summary.rows[k]!, 'total_return') === '');
    });
    expect(returns.filter((text) => text !== '').length).toBeGreaterThan(100);
  });

  it('sorts by a column: descending on the first click on a numeric column, reversed by a second click', async () => {
    const byKey = (key: string) => (k: number): number | null => metric(s(summary.rows[k]!, key));
    const sortedBy = async (key: string, direction: 'descending' | 'ascending'): Promise<void> => {
      const header = page.locator(`#leaderboard thead th[data-key="${key}"]`);
      await expect.poll(() => header.getAttribute('aria-sort'), POLL).toBe(direction);
      const values = (await shownCombos()).map(byKey(key));
      expect(values.length).toBe(summary.rows.length);
      expect(sortProblem(values, direction), key).toBeUndefined();
      const all = summary.rows.map((_, k) => byKey(key)(k)).filter((v): v is number => v !== null);
      expect(values.find((v) => v !== null)).toBe(direction === 'descending' ? Math.max(...all) : Math.min(...all));
    };
    // another column first, whatever the page's initial order: then total_return is a fresh column too
    await page.locator('#leaderboard thead th[data-key="win_rate"]').click();
    await sortedBy('win_rate', 'descending');
    const header = page.locator('#leaderboard thead th[data-key="total_return"]');
    await header.click();
    await sortedBy('total_return', 'descending');
    expect(await page.locator('#leaderboard thead th[data-key="win_rate"]').getAttribute('aria-sort')).toBeNull();
    await header.click();
    await sortedBy('total_return', 'ascending');
  });

  it('filters by timeframe, risk profile, category and a minimum trade count, to exactly the summary rows that pass', async () => {
    const categories = new Map(
      (JSON.parse(readFileSync(resolve(ROOT, 'strategies.json'), 'utf8')) as { id: number; category: string }[]).map((x) => [String(x.id), x.category]),
    );
    const sorted = async (): Promise<number[]> => (await shownCombos()).sort((a, b) => a - b);
    const timeframe = (row: string[]): boolean => s(row, 'timeframe') === '1Hour';
    const profile = (row: string[]): boolean => s(row, 'risk_profile') === 'high';
    const category = (row: string[]): boolean => categories.get(s(row, 'strategy_id')) === 'mean_reversion';
    const minTrades = (row: string[]): boolean => Number(s(row, 'trades')) >= 10;

    await page.selectOption('#filter-timeframe', '1Hour');
    await expect.poll(sorted, POLL).toEqual(summaryWhere(timeframe));
    await page.selectOption('#filter-profile', 'high');
    await expect.poll(sorted, POLL).toEqual(summaryWhere((row) => timeframe(row) && profile(row)));
    await page.selectOption('#filter-category', 'mean_reversion');
    const three = summaryWhere((row) => timeframe(row) && profile(row) && category(row));
    await expect.poll(sorted, POLL).toEqual(three);
    await page.fill('#filter-min-trades', '10');
    const four = summaryWhere((row) => timeframe(row) && profile(row) && category(row) && minTrades(row));
    await expect.poll(sorted, POLL).toEqual(four);
    // the minimum removes some rows and keeps some, so the count tells the filter apart from none
    expect(four.length).toBeGreaterThan(0);
    expect(four.length).toBeLessThan(three.length);

    // the minimum alone, then nothing
    for (const select of ['#filter-timeframe', '#filter-profile', '#filter-category']) await page.selectOption(select, '');
    await expect.poll(sorted, POLL).toEqual(summaryWhere(minTrades));
    await page.fill('#filter-min-trades', '');
    await expect.poll(sorted, POLL).toEqual(summary.rows.map((_, k) => k));
  });

  it('drills down on a clicked row: every bar as a candlestick, two markers per trade, its trades with their justifications', async () => {
    // a 1Hour combination with a handful of trades: every justification can be looked up
    const k = summaryWhere((row) => s(row, 'timeframe') === '1Hour' && Number(s(row, 'trades')) >= 5 && Number(s(row, 'trades')) <= 30)[0]!;
    const own = tradesOf(k);
    expect(own.length).toBe(Number(s(summary.rows[k]!, 'trades')));
    // straight after typing a minimum and clearing it, as a user would: the input's blur (a 'change') must not eat the click
    await page.fill('#filter-min-trades', '1');
    await page.fill('#filter-min-trades', '');
    await expect.poll(async () => (await shownCombos()).length, POLL).toBe(summary.rows.length);
    await page.locator(`#leaderboard tbody tr[data-combo="${k}"] td`).first().click();
    const section = page.locator('section#drilldown');
    await expect.poll(() => section.getAttribute('data-combo'), POLL).toBe(String(k));
    await expect.poll(() => section.getAttribute('data-markers'), POLL).toBe(String(2 * own.length));
    expect(await section.getAttribute('data-candles')).toBe(String(barCount.get('1Hour')));
    expect(await page.locator('table#drill-trades tbody tr').count()).toBe(own.length);
    const table = page.locator('table#drill-trades tbody');
    for (const trade of own) {
      for (const text of [t(trade, 'entry_justification'), t(trade, 'exit_justification')]) {
        expect(await table.getByText(text, { exact: true }).count(), text).toBeGreaterThan(0);
      }
    }
  });

  it('drills down through window.probeReport.drill, on another timeframe and on a combination without trades', async () => {
    const section = page.locator('section#drilldown');
    const busiest = summaryWhere((row) => s(row, 'timeframe') === '15Min').sort((a, b) => Number(s(summary.rows[b]!, 'trades')) - Number(s(summary.rows[a]!, 'trades')))[0]!;
    const own = tradesOf(busiest);
    expect(own.length).toBeGreaterThan(50);
    await drill(page, busiest);
    expect(await section.getAttribute('data-combo')).toBe(String(busiest));
    expect(await section.getAttribute('data-candles')).toBe(String(barCount.get('15Min')));
    expect(await section.getAttribute('data-markers')).toBe(String(2 * own.length));
    expect(await page.locator('table#drill-trades tbody tr').count()).toBe(own.length);
    const first = own[0]!;
    expect(await page.locator('table#drill-trades tbody').getByText(t(first, 'entry_justification'), { exact: true }).count()).toBeGreaterThan(0);

    const idle = summaryWhere((row) => s(row, 'timeframe') === '1Day' && s(row, 'trades') === '0')[0]!;
    await drill(page, idle);
    expect(await section.getAttribute('data-combo')).toBe(String(idle));
    expect(await section.getAttribute('data-candles')).toBe(String(barCount.get('1Day')));
    expect(await section.getAttribute('data-markers')).toBe('0');
    expect(await page.locator('table#drill-trades tbody tr').count()).toBe(0);
  });

  it("lists each strategy that can never trade once, with the compiler's reason", async () => {
    const reasons = new Map<string, string>();
    for (const row of summary.rows) {
      if (s(row, 'never_trades') === '') continue;
      expect(s(row, 'trades')).toBe('0');
      reasons.set(s(row, 'strategy_id'), s(row, 'never_trades'));
    }
    expect(reasons.size).toBeGreaterThan(0);
    const items = await page.locator('#never-trades li').allTextContents();
    expect(items.length).toBe(reasons.size);
    for (const reason of reasons.values()) expect(items.some((item) => item.includes(reason)), reason).toBe(true);
  });

  it('writes a screenshot to .probe/report-screenshot.png, drill-down open, with still no error or request', async () => {
    const k = summaryWhere((row) => s(row, 'timeframe') === '1Hour' && Number(s(row, 'trades')) >= 20)[0]!;
    await drill(page, k);
    await chartsReady(page);
    rmSync(screenshot, { force: true });
    await pagePicture(page, screenshot);
    const png = readFileSync(screenshot);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
    expect(record.errors).toEqual([]);
    expect(outsideRequests(record, pageUrl)).toEqual([]);
  });
});
