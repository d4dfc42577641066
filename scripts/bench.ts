/**
 * `make bench`: the seed protocol without a database. Synthetic 10,000 bars
 * per timeframe, every strategy x 3 risk profiles x 3 timeframes (900
 * combinations), on the worker pool. Prints wall seconds for indicators and
 * engine separately, peak RSS, ms per combination, bar-steps per second.
 */
import { availableParallelism, cpus } from 'node:os';
import { STRATEGIES } from '../generated/index.js';
import { RISK_PROFILE_NAMES } from '../runtime/engine/risk-profiles.js';
import { WorkerPool } from '../runtime/pool/pool.js';
import { runBacktest } from '../runtime/run/backtest.js';
import { SYNTHETIC_TIMEFRAMES, syntheticBars } from '../runtime/synthetic/bars.js';

const BARS = Number(process.env.BENCH_BARS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
/** The Python reference's measured cost per bar-step on this kind of machine. */
const PYTHON_SECONDS_PER_BAR_STEP = 48e-6;

const datasets = SYNTHETIC_TIMEFRAMES.map((timeframe, k) => ({ timeframe, bars: syntheticBars(timeframe, BARS, k + 1) }));
const pool = new WorkerPool();
const combinations = datasets.length * STRATEGIES.length * RISK_PROFILE_NAMES.length;
const barSteps = combinations * BARS;

console.log(`probe bench: ${STRATEGIES.length} strategies x ${RISK_PROFILE_NAMES.length} risk profiles x ${datasets.length} timeframes = ${combinations} combinations, ${BARS} bars each`);
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}, ${pool.size} workers`);

const runs: { indicators: number; engine: number; wall: number; trades: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const result = await runBacktest({ datasets, strategies: STRATEGIES, profiles: RISK_PROFILE_NAMES, pool });
  const trades = result.combinations.reduce((n, c) => n + c.tradeCount, 0);
  runs.push({ indicators: result.indicatorSeconds, engine: result.engineSeconds, wall: result.wallSeconds, trades });
  console.log(
    `round ${round + 1}${round < 3 ? ' (warm-up)' : ''}: indicators ${result.indicatorSeconds.toFixed(3)} s, ` +
      `engine ${result.engineSeconds.toFixed(3)} s, wall ${result.wallSeconds.toFixed(3)} s, ${trades} trades`,
  );
}
await pool.close();

// the first rounds include V8's tiering of ~400 generated functions per worker
const warm = runs.length > 3 ? runs.slice(3) : runs;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const indicators = median(warm.map((r) => r.indicators));
const engine = median(warm.map((r) => r.engine));
const total = median(warm.map((r) => r.wall));
const python = barSteps * PYTHON_SECONDS_PER_BAR_STEP;
console.log('');
console.log(`median of ${warm.length} warm rounds:`);
console.log(`  indicators (main)    ${indicators.toFixed(3)} s`);
console.log(`  engine (pool)        ${engine.toFixed(3)} s   (wall after the indicators; later timeframes overlap)`);
console.log(`  total wall           ${total.toFixed(3)} s   (goal: < 0.45 s)`);
console.log(`  per combination      ${((engine * 1000) / combinations).toFixed(3)} ms`);
console.log(`  per strategy         ${((total * 1000) / STRATEGIES.length).toFixed(2)} ms (3 profiles x 3 timeframes)`);
console.log(`  bar-steps per second ${(barSteps / engine / 1e6).toFixed(1)} M`);
console.log(`  peak RSS             ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`  vs Python reference  ${python.toFixed(0)} s estimated (48 us/bar-step) -> ${Math.round(python / total)}x faster`);
