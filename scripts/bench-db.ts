/**
 * `make bench`, database part: the design document's protocol against a
 * real PostgreSQL (DATABASE_URL, else the embedded one). Bars are imported
 * once beforehand; the timed runs load them, compute indicators, run every
 * strategy on the pool, aggregate and write the results.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { STRATEGIES } from '../generated/index.js';
import { loadConfig } from '../runtime/config/config.js';
import { importBars, tickerExists } from '../runtime/db/bars.js';
import { openDatabase } from '../runtime/db/connect.js';
import { ensureStrategies } from '../runtime/db/ensure-strategies.js';
import { RISK_PROFILE_NAMES } from '../runtime/engine/risk-profiles.js';
import { WorkerPool } from '../runtime/pool/pool.js';
import { type ProbeRunSummary, probeRun } from '../runtime/run/probe-run.js';
import { SYNTHETIC_TIMEFRAMES, syntheticBars } from '../runtime/synthetic/bars.js';

const BARS = 10_000;
const SYMBOLS = Array.from({ length: 10 }, (_, k) => `BENCH${String(k).padStart(2, '0')}`);

const config = loadConfig(undefined);
const db = await openDatabase(config);
const workers = new WorkerPool();
const strategyIds = await ensureStrategies(db.pool, STRATEGIES);

async function prepare(symbol: string, seed: number): Promise<void> {
  if (await tickerExists(db.pool, symbol)) return;
  for (const [k, timeframe] of SYNTHETIC_TIMEFRAMES.entries()) {
    await importBars(db.pool, symbol, timeframe, syntheticBars(timeframe, BARS, seed * 10 + k, 40 + seed * 7));
  }
}

let runs = 0;
async function timed(label: string, symbols: string[], timeframes: string[], goal: string): Promise<ProbeRunSummary & { rss: number }> {
  const runId = `bench-${process.pid}-${++runs}`;
  const started = performance.now();
  const summary = await probeRun(db.pool, workers, {
    symbols, timeframes, profiles: RISK_PROFILE_NAMES, strategies: STRATEGIES, runId, persistTrades: false,
    batchRows: config.engine.db_batch_size, strategyIds,
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${label.padEnd(44)} ${seconds.toFixed(3).padStart(7)} s  ${String(summary.combinations).padStart(5)} combinations  ` +
      `${String(summary.resultRows).padStart(7)} rows  ${((seconds * 1000) / (summary.combinations / 3)).toFixed(2)} ms/strategy  ` +
      `peak RSS ${rss.toFixed(0)} MiB  (goal: ${goal})`,
  );
  await db.pool.query('DELETE FROM strategy_probe_results WHERE run_id = $1', [runId]);
  return { ...summary, rss };
}

try {
  console.log(`probe bench (database): ${availableParallelism()} cores, ${workers.size} workers, ${db.label}`);
  for (const [k, symbol] of SYMBOLS.entries()) await prepare(symbol, k + 1);
  // warm-up: V8 tiers the generated code up in each worker
  for (let k = 0; k < 3; k++) await probeRun(db.pool, workers, {
    symbols: [SYMBOLS[0]!], timeframes: SYNTHETIC_TIMEFRAMES, profiles: RISK_PROFILE_NAMES, strategies: STRATEGIES,
    runId: `bench-warmup-${process.pid}-${k}`, persistTrades: false, batchRows: config.engine.db_batch_size, strategyIds,
  });
  await db.pool.query(`DELETE FROM strategy_probe_results WHERE run_id LIKE 'bench-warmup-%'`);

  await timed('1 symbol, 1Hour, 300 combinations', [SYMBOLS[0]!], ['1Hour'], 'design 5 s for 900');
  const one = await timed('1 symbol x 900 combinations, end to end', [SYMBOLS[0]!], SYNTHETIC_TIMEFRAMES, '< 1 s, design 5 s');
  await timed('10 symbols x 900 combinations, end to end', SYMBOLS, SYNTHETIC_TIMEFRAMES, '< 8 s, design 30 s');
  const batches = one.batches;
  const full = batches.filter((b) => b.rows >= config.engine.db_batch_size * 0.8).map((b) => b.ms).sort((a, b) => a - b);
  if (full.length > 0) {
    console.log(
      `result batch of ~${config.engine.db_batch_size} rows (COPY, INSERT ON CONFLICT, COMMIT): median ${full[Math.floor(full.length / 2)]!.toFixed(1)} ms, ` +
        `max ${full.at(-1)!.toFixed(1)} ms over ${full.length} batches (goal: < 20 ms, design 200 ms)`,
    );
  }
} finally {
  await workers.close();
  await db.close();
}
