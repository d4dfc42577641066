import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../generated/index.js';
import { RISK_PROFILE_NAMES } from '../runtime/engine/risk-profiles.js';
import { readBarsCsv } from '../runtime/input/bars-csv.js';
import { parseCsvLine } from '../runtime/input/csv.js';
import { ByteSink } from '../runtime/output/byte-sink.js';
import { CsvRows } from '../runtime/output/csv-rows.js';
import { WorkerPool } from '../runtime/run/pool.js';
import { type Combination, runBacktest } from '../runtime/run/backtest.js';
import { PARITY_DIR, PARITY_TIMEFRAMES, firstDifference, fixtureByCombination } from './support/parity-fixtures.js';

/**
 * The product's promise: every (timeframe, strategy, risk profile) of the
 * reference fixtures, trade for trade and row for row, through the real
 * path (CSV bars, TA-Lib indicators, compiled strategies, worker pool).
 */
const expectedTrades = fixtureByCombination('trades.csv.gz');
const expectedResults = fixtureByCombination('results.csv.gz');
const combinations = new Map<string, Combination>();
let pool: WorkerPool;

beforeAll(async () => {
  pool = new WorkerPool(2);
  const datasets = PARITY_TIMEFRAMES.map((timeframe) => ({ timeframe, bars: readBarsCsv(`${PARITY_DIR}/bars_${timeframe}.csv`) }));
  const result = await runBacktest({ datasets, strategies: STRATEGIES, profiles: RISK_PROFILE_NAMES, pool });
  for (const c of result.combinations) combinations.set(`${c.timeframe}/${c.strategy.id}/${c.profile}`, c);
});

afterAll(async () => {
  await pool?.close();
});

const cases = PARITY_TIMEFRAMES.flatMap((timeframe) =>
  STRATEGIES.flatMap((strategy) => RISK_PROFILE_NAMES.map((profile) => ({ timeframe, strategy, profile }))),
);

describe('parity with the Python reference on ../shared/parity/synth', () => {
  it('covers 900 combinations', () => {
    expect(cases).toHaveLength(900);
    expect(combinations.size).toBe(900);
  });

  it.each(cases)('$timeframe strategy $strategy.id $strategy.name $profile', ({ timeframe, strategy, profile }) => {
    const key = `${timeframe}/${strategy.id}/${profile}`;
    const combination = combinations.get(key)!;
    const csv = new CsvRows('SYNTH', timeframe, combination.series);
    const sink = new ByteSink();
    const lines = (): string[][] => sink.takeText().split('\r\n').slice(0, -1).map(parseCsvLine);
    csv.trades(strategy, profile, combination.packedTrades, sink);
    const trades = lines();
    const expected = expectedTrades.rows.get(key) ?? [];
    for (let k = 0; k < Math.max(trades.length, expected.length); k++) {
      const e = expected[k];
      const a = trades[k];
      if (!e || !a) {
        expect.fail(`${key}: trade ${k + 1}: expected ${expected.length} trades, got ${trades.length}`);
      }
      const difference = firstDifference(expectedTrades.header, e, a);
      if (difference) expect.fail(`${key}: trade ${k + 1} (entry ${e[6]}): ${difference}`);
    }
    csv.results(strategy, profile, combination.packedRows, sink);
    const rows = lines();
    const expectedRows = expectedResults.rows.get(key) ?? [];
    expect(rows.length, `${key}: result rows`).toBe(expectedRows.length);
    rows.forEach((row, k) => {
      const difference = firstDifference(expectedResults.header, expectedRows[k]!, row);
      if (difference) expect.fail(`${key}: result row ${k + 1}: ${difference}`);
    });
  });
});
