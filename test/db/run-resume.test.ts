import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { importBars } from '../../runtime/db/bars.js';
import { ensureStrategies } from '../../runtime/db/ensure-strategies.js';
import { RISK_PROFILE_NAMES } from '../../runtime/engine/risk-profiles.js';
import { InputError } from '../../runtime/errors.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { WorkerPool } from '../../runtime/run/pool.js';
import { type ProbeRunRequest, probeRun } from '../../runtime/run/probe-run.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR, fixtureByCombination } from '../support/parity-fixtures.js';

/**
 * probeRun's summary and its resume rules, on the reference's 1Day bars
 * only (1Hour has none here): what the summary counts as run, and a resume
 * with --persist-trades of a run stored without its trades.
 */
let db: TestDatabase;
let workers: WorkerPool;
let base: Omit<ProbeRunRequest, 'runId' | 'persistTrades' | 'strategies' | 'timeframes'>;
const SOME = STRATEGIES.slice(0, 20);
/** 1Day combinations of the reference with trades (and so with result rows), "1Day/strategy_id/risk_profile". */
const TRADING = new Set([...fixtureByCombination('results.csv.gz').rows.keys()].filter((k) => k.startsWith('1Day/')));
/** SOME and five strategies with a 1Day combination without a trade in the reference. */
const MIXED = [...SOME, ...STRATEGIES.slice(20).filter((s) => RISK_PROFILE_NAMES.some((p) => !TRADING.has(`1Day/${s.id}/${p}`))).slice(0, 5)];

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  (await db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;
const resultRows = (runId: string): Promise<number> =>
  count('SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = $1', [runId]);
const trades = (runId: string): Promise<number> =>
  count(
    `SELECT count(*)::int AS n FROM strategy_probe_trades t JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id
     WHERE r.run_id = $1`,
    [runId],
  );
/** Stored result rows with trades whose trades are not stored. */
const withoutTrades = (runId: string): Promise<number> =>
  count(
    `SELECT count(*)::int AS n FROM strategy_probe_results r
     WHERE r.run_id = $1 AND r.num_trades > 0
       AND NOT EXISTS (SELECT 1 FROM strategy_probe_trades t WHERE t.strategy_probe_result_id = r.id)`,
    [runId],
  );

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  const bars = readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv'));
  await importBars(db.pool, 'SYNTH', '1Day', bars);
  await importBars(db.pool, 'OTHER', '1Day', bars);
  workers = new WorkerPool(2);
  base = {
    symbols: ['SYNTH'],
    profiles: RISK_PROFILE_NAMES,
    batchRows: 5000,
    strategyIds: await ensureStrategies(db.pool, STRATEGIES),
  };
});

afterAll(async () => {
  await workers?.close();
  await db?.drop();
});

describe('probeRun summary', () => {
  it('counts as run only the combinations it ran, and the ones of a timeframe without bars as skipped', async () => {
    const notes: string[] = [];
    const summary = await probeRun(db.pool, workers, {
      ...base,
      timeframes: ['1Day', '1Hour'],
      strategies: MIXED,
      runId: 'skipped-timeframe',
      persistTrades: false,
      onNote: (message) => notes.push(message),
    });
    expect(notes).toEqual(['no 1Hour bars for SYNTH in the range: skipped']);
    expect(summary.combinations).toBe(MIXED.length * 3);
    expect(summary.skipped).toBe(MIXED.length * 3);
    expect(summary.resumed).toBe(0);
    // the engine's trades are counted although none is stored: each is in one result row's num_trades
    expect(summary.trades).toBe(0);
    expect(summary.engineTrades).toBeGreaterThan(0);
    expect(summary.engineTrades).toBe(
      await count(`SELECT sum(num_trades)::int AS n FROM strategy_probe_results WHERE run_id = 'skipped-timeframe'`),
    );
    expect(await count(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'skipped-timeframe' AND timeframe <> '1Day'`)).toBe(0);

    // resumed: the stored combinations count as resumed, the run ones and the skipped ones add up to the rest
    const again = await probeRun(db.pool, workers, {
      ...base,
      timeframes: ['1Day', '1Hour'],
      strategies: MIXED,
      runId: 'skipped-timeframe',
      persistTrades: false,
    });
    expect(again.skipped).toBe(MIXED.length * 3);
    // every combination run before is resumed, those without a trade (and so without a result row) too
    expect(again.resumed).toBe(MIXED.length * 3);
    expect(again.combinations).toBe(0);
    expect(again.resultRows).toBe(0);
    expect(again.engineTrades).toBe(0);
    const zeroTradeCombinations = await count(
      `SELECT count(*)::int AS n FROM probe_run_combinations c WHERE c.run_id = 'skipped-timeframe'
         AND NOT EXISTS (SELECT 1 FROM strategy_probe_results r WHERE r.run_id = c.run_id AND r.symbol = c.symbol
                           AND r.strategy_id = c.strategy_id AND r.timeframe = c.timeframe AND r.risk_profile = c.risk_profile)`,
    );
    const referenceQuiet = MIXED.flatMap((s) => RISK_PROFILE_NAMES.filter((p) => !TRADING.has(`1Day/${s.id}/${p}`))).length;
    expect(referenceQuiet).toBeGreaterThan(0);
    expect(zeroTradeCombinations).toBe(referenceQuiet);
  });
});

describe('resuming with --persist-trades', () => {
  it('refuses a run stored without its trades, writing nothing, and tells how to go on', async () => {
    // an interrupted run without trades: only the first half of the strategies stored
    await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME.slice(0, 10), runId: 'no-trades', persistTrades: false });
    const rows = await resultRows('no-trades');
    expect(rows).toBeGreaterThan(0);
    expect(await withoutTrades('no-trades')).toBeGreaterThan(0);

    const resume = probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME, runId: 'no-trades', persistTrades: true });
    await expect(resume).rejects.toBeInstanceOf(InputError);
    await expect(resume).rejects.toThrow(
      'run no-trades was stored without its trades, and resuming it would store the trades of the remaining combinations only; ' +
        'rerun it with a new --run-id and --persist-trades, or without --persist-trades to resume it',
    );
    expect(await resultRows('no-trades')).toBe(rows);
    expect(await trades('no-trades')).toBe(0);

    // without --persist-trades it resumes
    const resumed = await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME, runId: 'no-trades', persistTrades: false });
    expect(resumed.resumed).toBeGreaterThan(0);
    expect(await resultRows('no-trades')).toBeGreaterThan(rows);
  });

  it('resumes a run stored with its trades, leaving no result row without them', async () => {
    await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME.slice(0, 10), runId: 'with-trades', persistTrades: true });
    const first = await trades('with-trades');
    expect(first).toBeGreaterThan(0);
    const resumed = await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME, runId: 'with-trades', persistTrades: true });
    expect(resumed.resumed).toBeGreaterThan(0);
    expect(resumed.trades).toBeGreaterThan(0);
    expect(await trades('with-trades')).toBe(first + resumed.trades);
    expect(await withoutTrades('with-trades')).toBe(0);
  });

  it('checks only the requested symbols of the run id', async () => {
    // the run id's SYNTH part has no trades; its OTHER part, not stored yet, can be run with its trades
    await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME, runId: 'two-symbols', persistTrades: false });
    expect(await withoutTrades('two-symbols')).toBeGreaterThan(0);
    const other = await probeRun(db.pool, workers, {
      ...base,
      symbols: ['OTHER'],
      timeframes: ['1Day'],
      strategies: SOME,
      runId: 'two-symbols',
      persistTrades: true,
    });
    expect(other.combinations).toBe(SOME.length * 3);
    expect(other.trades).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'two-symbols' AND symbol = 'OTHER'`)).toBeGreaterThan(0);
  });
});

describe('a database where nobody ran probe db init', () => {
  it('gets probe_run_combinations from the first run, which resumes a run whose rows an older probe wrote', async () => {
    await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME, runId: 'older', persistTrades: false });
    const rows = await resultRows('older');
    // as an older probe (or a database the Python system made) would leave it: the rows, no record of finished combinations
    await db.pool.query('DROP TABLE probe_run_combinations');
    const again = await probeRun(db.pool, workers, { ...base, timeframes: ['1Day'], strategies: SOME, runId: 'older', persistTrades: false });
    expect(await count(`SELECT count(*)::int AS n FROM probe_run_combinations`)).toBe(0);
    // the combinations with rows are resumed from the rows; the others (none here: every one of SOME trades) run again
    expect(again.resumed).toBe(SOME.length * 3);
    expect(await resultRows('older')).toBe(rows);
  });
});
