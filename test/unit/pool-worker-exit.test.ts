import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { RISK_PROFILE_NAMES } from '../../runtime/engine/risk-profiles.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { type PoolEvent, WorkerPool } from '../../runtime/run/pool.js';
import { type BacktestResult, type Dataset, runBacktest } from '../../runtime/run/backtest.js';
import { PARITY_DIR, PARITY_TIMEFRAMES } from '../support/parity-fixtures.js';

/**
 * A worker thread that dies (out of memory, a bug) costs the pool nothing
 * but a restart: the death is reported, the worker is replaced (with the
 * datasets it needs), the tasks it held run again on a fresh worker, and the
 * pool goes on working. The worker's test hook PROBE_TEST_WORKER_EXIT
 * (runtime/run/worker.ts) makes the threads exit.
 */
let datasets: Dataset[];
let reference: Map<string, Float64Array[]>;
const strategies = STRATEGIES.slice(0, 40);

/** Every combination's packed trades and rows, by timeframe/strategy/profile. */
function outcome(result: BacktestResult): Map<string, Float64Array[]> {
  return new Map(result.combinations.map((c) => [`${c.timeframe}/${c.strategy.id}/${c.profile}`, [c.packedTrades, c.packedRows]]));
}

const run = (pool: WorkerPool, indicatorsOn?: 'pool') =>
  runBacktest({ datasets, strategies, profiles: RISK_PROFILE_NAMES, pool, ...(indicatorsOn ? { indicatorsOn } : {}) });

/** A pool whose threads see PROBE_TEST_WORKER_EXIT=`hook` (a thread copies the environment as it starts). */
function hookedPool(hook: string, events: PoolEvent[]): { pool: WorkerPool; unhook: () => void } {
  const before = process.env.PROBE_TEST_WORKER_EXIT;
  process.env.PROBE_TEST_WORKER_EXIT = hook;
  const pool = new WorkerPool(2, { onEvent: (event) => events.push(event) });
  return {
    pool,
    unhook: () => {
      if (before === undefined) delete process.env.PROBE_TEST_WORKER_EXIT;
      else process.env.PROBE_TEST_WORKER_EXIT = before;
    },
  };
}

beforeAll(async () => {
  datasets = PARITY_TIMEFRAMES.map((timeframe) => ({ timeframe, bars: readBarsCsv(`${PARITY_DIR}/bars_${timeframe}.csv`) }));
  const pool = new WorkerPool(2);
  try {
    reference = outcome(await run(pool));
  } finally {
    await pool.close();
  }
  expect(reference.size).toBe(PARITY_TIMEFRAMES.length * strategies.length * RISK_PROFILE_NAMES.length);
});

describe('WorkerPool when a worker thread dies', () => {
  const events: PoolEvent[] = [];
  let hooked: ReturnType<typeof hookedPool>;
  beforeAll(() => {
    // each of the two first threads exits as its 15th task arrives, holding tasks sent before it
    hooked = hookedPool('15', events);
  });
  afterAll(async () => {
    hooked.unhook();
    await hooked.pool.close();
  });

  it('replaces it, runs its tasks again, and the results are those of a run without deaths', async () => {
    const result = outcome(await run(hooked.pool));
    expect(events.map((e) => e.kind)).toEqual(['worker_exit', 'worker_exit']);
    expect(events.every((e) => e.code === 1 && e.failed === 0)).toBe(true);
    // a worker holds up to 4 tasks: the one it died on at least, and its datasets went to its replacement
    expect(events.every((e) => e.retried >= 1)).toBe(true);
    expect(hooked.pool.restarts).toBe(2);
    expect(result).toEqual(reference);
  });

  it('works on for the next run, on the replacements', async () => {
    expect(outcome(await run(hooked.pool))).toEqual(reference);
    // and with indicators computed on the pool too
    expect(outcome(await run(hooked.pool, 'pool'))).toEqual(reference);
    expect(hooked.pool.restarts).toBe(2);
  });
});

describe('WorkerPool when every worker thread dies on its first task', () => {
  it('fails a task that a fresh worker died on too, and keeps replacing workers', async () => {
    const events: PoolEvent[] = [];
    const { pool, unhook } = hookedPool('1:every', events);
    try {
      // a few tasks: every one kills two workers
      const failed = await runBacktest({ datasets: datasets.slice(0, 1), strategies: strategies.slice(0, 3), profiles: RISK_PROFILE_NAMES, pool }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failed?.message).toMatch(/worker thread exited with code 1 holding the task, the second worker to die holding it/);
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.some((e) => e.failed > 0)).toBe(true);
      expect(pool.restarts).toBe(events.length);
    } finally {
      unhook();
      await pool.close();
    }
  });
});
