/**
 * The README's picture of `probe report`, and the page's timings in Chromium.
 *
 *   npx tsx scripts/report-screenshot.ts [--from REPORT_DIR] [--out docs/report.png]
 *
 * Without --from it makes a report of the parity fixtures' bars (`probe
 * backtest`, then `probe report --from`, with dist/cli.js: `make build`
 * first) in $TMPDIR/probe-parity-report. --from takes an existing report folder
 * (index.html and summary.csv), for example one of 900 combinations x
 * 10,000 bars, to measure the issue's limits: the leaderboard on screen
 * within 3 s of opening the file, a drill-down switch under 300 ms.
 *
 * The page is opened at 1400 px wide with the drill-down on a strategy with
 * trades, and written once every chart is drawn (window.probeReport.ready):
 * from the top to the end of the drill-down (the run, the leaderboard, the
 * price chart with its trades), or the whole page with --full.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseCsvLine } from '../runtime/input/csv.js';
import { chartsReady, drill, launchChromium, openReport, outsideRequests, pagePicture, recordPage } from '../test/support/browser.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const PARITY_DIR = resolve(ROOT, '../shared/parity/synth');
const WIDTH = 1400;
const HEIGHT = 1000;
/** How many drill-down switches are timed. */
const DRILLS = 12;
/** Page loads timed (the first is the coldest). */
const LOADS = 3;

const { values: options } = parseArgs({
  options: { from: { type: 'string' }, out: { type: 'string', default: 'docs/report.png' }, full: { type: 'boolean', default: false } },
});

function probe(args: readonly string[], cwd: string): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status !== 0) throw new Error(`probe ${args.join(' ')} exited with ${run.status}:\n${run.stderr}`);
}

/** A report of the parity fixtures' bars, in `work`. */
function parityReport(work: string): string {
  mkdirSync(join(work, 'bars'));
  for (const timeframe of ['15Min', '1Hour', '1Day']) copyFileSync(join(PARITY_DIR, `bars_${timeframe}.csv`), join(work, 'bars', `bars_${timeframe}.csv`));
  probe(['backtest', '--data', 'bars', '--symbol', 'SYNTH', '--out', 'parity'], work);
  probe(['report', '--from', 'parity', '--out', 'report'], work);
  return join(work, 'report');
}

interface Row {
  readonly combo: number;
  readonly timeframe: string;
  readonly name: string;
  readonly profile: string;
  readonly trades: number;
  readonly totalReturn: number | null;
}

function summaryRows(dir: string): Row[] {
  const [header, ...lines] = readFileSync(join(dir, 'summary.csv'), 'utf8').split(/\r?\n/).filter(Boolean).map(parseCsvLine);
  const at = (name: string): number => header!.indexOf(name);
  return lines.map((f, combo) => ({
    combo,
    timeframe: f[at('timeframe')]!,
    name: f[at('strategy_name')]!,
    profile: f[at('risk_profile')]!,
    trades: Number(f[at('trades')]),
    totalReturn: f[at('total_return')] === '' ? null : Number(f[at('total_return')]),
  }));
}

/** The combinations to time: spread over the run, the busiest of each timeframe first (their charts carry the most markers). */
function drillSample(rows: readonly Row[]): Row[] {
  const busiest = [...new Set(rows.map((r) => r.timeframe))].map((tf) => rows.filter((r) => r.timeframe === tf).sort((a, b) => b.trades - a.trades)[0]!);
  const step = Math.max(1, Math.floor(rows.length / DRILLS));
  const spread = rows.filter((_, k) => k % step === 0);
  return [...new Map([...busiest, ...spread].map((r) => [r.combo, r])).values()].slice(0, DRILLS);
}

/** The picture's drill-down: the best return among combinations with 20 to 60 trades (their markers stay readable). */
function pictured(rows: readonly Row[]): Row {
  const candidates = rows.filter((r) => r.trades >= 20 && r.trades <= 60 && r.totalReturn !== null);
  const best = candidates.sort((a, b) => b.totalReturn! - a.totalReturn!)[0] ?? rows.find((r) => r.trades > 0);
  if (best === undefined) throw new Error('no combination of the report has trades');
  return best;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  // a fixed folder rather than a random one: the page states the run's folder, and the picture shows it
  const work = options.from === undefined ? join(tmpdir(), 'probe-parity-report') : undefined;
  if (work !== undefined) {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
  }
  const browser = await launchChromium();
  try {
    const dir = options.from === undefined ? parityReport(work!) : resolve(options.from);
    const url = pathToFileURL(join(dir, 'index.html')).href;
    const rows = summaryRows(dir);
    const out = resolve(ROOT, options.out);
    console.log(`report: ${dir} (${rows.length} combinations)`);

    const loads: string[] = [];
    for (let k = 0; k < LOADS; k++) {
      const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
      const { ready, painted } = await openReport(page, url);
      loads.push(`${ready.toFixed(0)} ms ready, ${painted.toFixed(0)} ms painted`);
      await page.close();
    }
    console.log(`leaderboard (from navigation to html[data-leaderboard=ready] / to the next painted frame; limit 3000 ms): ${loads.join('; ')}`);

    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    const record = recordPage(page);
    await openReport(page, url);
    await chartsReady(page);
    const drills: string[] = [];
    const times: number[] = [];
    for (const row of drillSample(rows)) {
      const { resolved, painted } = await drill(page, row.combo);
      times.push(painted);
      drills.push(`  #${row.combo} ${row.timeframe} ${row.name} ${row.profile}, ${row.trades} trades: ${resolved.toFixed(0)} ms resolved, ${painted.toFixed(0)} ms painted`);
    }
    console.log(`drill-down switch (probeReport.drill, to the next painted frame): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (limit 300 ms)`);
    console.log(drills.join('\n'));

    const shown = pictured(rows);
    await drill(page, shown.combo);
    await chartsReady(page);
    mkdirSync(dirname(out), { recursive: true });
    // the README's picture stops after the drill-down: the whole page is some 4,700 px tall
    const bottom = await page.evaluate<number>(`Math.ceil(document.getElementById('drilldown').getBoundingClientRect().bottom + window.scrollY + 16)`);
    await pagePicture(page, out, options.full ? undefined : bottom);
    const problems = [...record.errors, ...outsideRequests(record, url).map((u) => `request: ${u}`)];
    if (problems.length > 0) throw new Error(`the page had problems:\n${problems.join('\n')}`);
    console.log(`drill-down: #${shown.combo} ${shown.timeframe} ${shown.name} ${shown.profile} (${shown.trades} trades)`);
    console.log(out);
  } finally {
    await browser.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }
}

await main();
