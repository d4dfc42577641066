/**
 * `make bench`, first part: what a user meets. A fresh `probe backtest`
 * process (the bundle in dist/, as `make setup` builds it) on synthetic CSV
 * bars, every strategy x 3 risk profiles x 3 timeframes (900 combinations),
 * start to exit with trades.csv and results.csv written:
 *   1. 10,000 bars per timeframe, the median of 3 runs;
 *   2. 50,000 bars per timeframe, with the process's peak RSS;
 *   3. start-up: `probe --version` and `probe backtest --help` against a
 *      bare `node -e 0`;
 *   4. the warm, in-process breakdown of the engine alone (no output), a
 *      diagnostic, never the headline.
 * After the 10,000-bar runs, a fresh `probe report --from` of their output
 * (summary.csv and index.html), against the limits of 3 s and 25 MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STRATEGIES } from '../generated/index.js';
import { RISK_PROFILE_NAMES } from '../runtime/engine/risk-profiles.js';
import { formatBarsCsv } from '../runtime/input/bars-csv.js';
import { WorkerPool } from '../runtime/run/pool.js';
import { runBacktest } from '../runtime/run/backtest.js';
import type { Bars } from '../runtime/series/bars.js';
import { SYNTHETIC_TIMEFRAMES, syntheticBars } from '../runtime/input/synthetic-bars.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const BARS = Number(process.env.BENCH_BARS ?? 10_000);
const LARGE_BARS = Number(process.env.BENCH_LARGE_BARS ?? 50_000);
/** Peak RSS may not grow with the trades: the large run stays within this (issue: Speed as users meet it). */
const RSS_BOUND_MIB = 600;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const REFERENCE_TIMING = join(ROOT, '../shared/parity/synth/reference_timing.txt');

const combinations = SYNTHETIC_TIMEFRAMES.length * STRATEGIES.length * RISK_PROFILE_NAMES.length;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The Python reference's seconds per bar-step (one combination over one
 * bar), from its measured timings when the parity fixtures are beside the
 * checkout, else the figure they gave on this kind of machine.
 */
function pythonSecondsPerBarStep(): { perStep: number; source: string } {
  if (!existsSync(REFERENCE_TIMING)) return { perStep: 60e-6, source: 'the parity fixtures\' reference_timing.txt, as last measured' };
  let seconds = 0;
  let steps = 0;
  for (const line of readFileSync(REFERENCE_TIMING, 'utf8').split('\n')) {
    const m = /bars=(\d+) combos=(\d+) seconds=([\d.]+)/.exec(line);
    if (!m) continue;
    steps += Number(m[1]) * Number(m[2]);
    seconds += Number(m[3]);
  }
  return { perStep: seconds / steps, source: REFERENCE_TIMING };
}

function writeBarsCsv(path: string, bars: Bars): void {
  writeFileSync(path, formatBarsCsv(bars));
}

interface ColdRun {
  readonly seconds: number;
  readonly trades: number;
  readonly rows: number;
  readonly peakRssMib: number;
}

/** One fresh `probe backtest` process, timed from spawn to exit. */
function coldRun(data: string, out: string): ColdRun {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [CLI, 'backtest', '--data', data, '--symbol', 'BENCH', '--out', out], {
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`probe backtest failed (${run.status}):\n${run.stderr}`);
  const finish = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event?: string; trades?: number; result_rows?: number; peak_rss_mib?: number })
    .find((l) => l.event === 'run_finish');
  if (!finish) throw new Error(`no run_finish log line from probe backtest:\n${run.stderr}`);
  return { seconds, trades: finish.trades ?? 0, rows: finish.result_rows ?? 0, peakRssMib: finish.peak_rss_mib ?? 0 };
}

/** The limits for `probe report` at 900 combinations x 10,000 bars per timeframe. */
const REPORT_SECONDS = 3;
const REPORT_MB = 25;

/** Fresh `probe report --from` processes on a backtest's output, timed from spawn to exit with both files written. */
function coldReports(out: string, report: string, runs: number): void {
  const seconds: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [CLI, 'report', '--from', out, '--out', report], { encoding: 'utf8' });
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (run.status !== 0) throw new Error(`probe report failed (${run.status}):\n${run.stderr}`);
  }
  const html = statSync(join(report, 'index.html')).size / 1e6;
  const time = median(seconds);
  console.log(
    `  probe report --from (${runs} fresh processes: ${seconds.map((x) => x.toFixed(2)).join(', ')} s) => median ${time.toFixed(2)} s ` +
      `(${time <= REPORT_SECONDS ? 'within' : 'OVER'} ${REPORT_SECONDS} s), index.html ${html.toFixed(1)} MB (${html <= REPORT_MB ? 'within' : 'OVER'} ${REPORT_MB} MB)`,
  );
}

function coldBench(bars: number, runs: number, python: { perStep: number }, report = false): ColdRun {
  const dir = mkdtempSync(join(tmpdir(), 'probe-bench-'));
  try {
    const data = join(dir, 'data');
    mkdirSync(data);
    SYNTHETIC_TIMEFRAMES.forEach((timeframe, k) => writeBarsCsv(join(data, `bars_${timeframe}.csv`), syntheticBars(timeframe, bars, k + 1)));
    const results: ColdRun[] = [];
    for (let k = 0; k < runs; k++) {
      const run = coldRun(data, join(dir, 'out'));
      results.push(run);
      console.log(`  run ${k + 1}: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakRssMib} MiB, ${run.trades} trades, ${run.rows} result rows`);
    }
    const result = { ...results[0]!, seconds: median(results.map((r) => r.seconds)), peakRssMib: Math.max(...results.map((r) => r.peakRssMib)) };
    const reference = combinations * bars * python.perStep;
    console.log(
      `  => median ${result.seconds.toFixed(2)} s from start to exit, CSV written; peak RSS ${result.peakRssMib} MiB; ` +
        `Python reference ~${reference.toFixed(0)} s -> ${Math.round(reference / result.seconds)}x`,
    );
    if (report) coldReports(join(dir, 'out'), join(dir, 'report'), runs);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make setup (or make build) first`);
const python = pythonSecondsPerBarStep();
console.log(`probe bench: ${STRATEGIES.length} strategies x ${RISK_PROFILE_NAMES.length} risk profiles x ${SYNTHETIC_TIMEFRAMES.length} timeframes = ${combinations} combinations`);
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}`);
console.log(`Python reference: ${(python.perStep * 1e6).toFixed(1)} us per bar-step (${python.source})`);
console.log('');
console.log(`1. cold probe backtest, ${BARS.toLocaleString('en')} bars per timeframe (median of ${COLD_RUNS} fresh processes):`);
const small = coldBench(BARS, COLD_RUNS, python, true);
console.log('');
console.log(`2. cold probe backtest, ${LARGE_BARS.toLocaleString('en')} bars per timeframe (median of ${COLD_RUNS}):`);
const large = coldBench(LARGE_BARS, COLD_RUNS, python);
console.log(`  => ${(large.seconds / small.seconds).toFixed(1)}x the ${BARS.toLocaleString('en')}-bar time for ${(LARGE_BARS / BARS).toFixed(0)}x the bars`);
console.log(`  => peak RSS ${large.peakRssMib} MiB: ${large.peakRssMib <= RSS_BOUND_MIB ? 'within' : 'OVER'} the ${RSS_BOUND_MIB} MiB bound`);
console.log('');

/** Median wall milliseconds of `runs` fresh processes. */
function startup(args: readonly string[], runs = 11): number {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status})`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

console.log('3. start-up (median of 11 fresh processes):');
const bare = startup(['-e', '0']);
console.log(`  node -e 0                ${bare.toFixed(0)} ms`);
for (const args of [['--version'], ['backtest', '--help']]) {
  const ms = startup([CLI, ...args]);
  console.log(`  probe ${args.join(' ').padEnd(18)} ${ms.toFixed(0)} ms = ${(ms / bare).toFixed(1)}x node -e 0`);
}
console.log('');

// 4. the engine alone, warm: V8 has optimised everything after the first rounds
console.log(`4. warm in-process breakdown, engine only, no output (${ROUNDS} rounds, the first 3 warm-up), ${BARS.toLocaleString('en')} bars:`);
const datasets = SYNTHETIC_TIMEFRAMES.map((timeframe, k) => ({ timeframe, bars: syntheticBars(timeframe, BARS, k + 1) }));
const pool = new WorkerPool();
const runs: { indicators: number; engine: number; wall: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const result = await runBacktest({ datasets, strategies: STRATEGIES, profiles: RISK_PROFILE_NAMES, pool });
  runs.push({ indicators: result.indicatorSeconds, engine: result.engineSeconds, wall: result.wallSeconds });
  console.log(
    `  round ${round + 1}${round < 3 ? ' (warm-up)' : ''}: indicators ${result.indicatorSeconds.toFixed(3)} s, ` +
      `engine ${result.engineSeconds.toFixed(3)} s, wall ${result.wallSeconds.toFixed(3)} s`,
  );
}
await pool.close();
const warm = runs.length > 3 ? runs.slice(3) : runs;
const engine = median(warm.map((r) => r.engine));
console.log(
  `  => median of ${warm.length} warm rounds: indicators ${median(warm.map((r) => r.indicators)).toFixed(3)} s, ` +
    `engine ${engine.toFixed(3)} s, wall ${median(warm.map((r) => r.wall)).toFixed(3)} s, ` +
    `${((combinations * BARS) / engine / 1e6).toFixed(1)} M bar-steps/s`,
);
