import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { ensureStrategies } from '../../runtime/db/ensure-strategies.js';
import { ResultWriter, storedCombinations } from '../../runtime/db/results.js';
import { RISK_PROFILES } from '../../runtime/engine/risk-profiles.js';
import { readBarsCsv } from '../../runtime/io/bars-csv.js';
import { Combination } from '../../runtime/run/backtest.js';
import { prepareSeries } from '../../runtime/run/prepare.js';
import { runStrategy } from '../../runtime/run/strategy-run.js';
import { freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

/**
 * The writer's ON CONFLICT semantics: a row already stored is kept as it is,
 * and trades are linked only to the rows the writing transaction inserted,
 * so writing a combination twice never duplicates anything.
 */
let db: { pool: Pool; drop(): Promise<void> };
let ids: Map<string, { id: number; version: number }>;
const strategy = STRATEGIES.find((s) => s.id === 1)!;
const context = { runId: 'conflict', symbol: 'SYNTH', periodStart: 0, periodEnd: 1 };

function combinations(): Combination[] {
  const bars = readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv'));
  const series = prepareSeries(bars, [strategy]);
  const runs = runStrategy(series, strategy, [RISK_PROFILES.low, RISK_PROFILES.high]);
  return runs.map((r) => new Combination('1Day', series, strategy, r.profile.name, r.trades, r.rows));
}

async function write(list: Combination[], batchRows = 500): Promise<{ resultRows: number; trades: number }> {
  const writer = new ResultWriter(db.pool, { runId: context.runId, persistTrades: true, batchRows, strategyIds: ids });
  writer.add(context, list);
  return writer.finish();
}

const counts = async (): Promise<{ results: number; trades: number }> => {
  const { rows } = await db.pool.query<{ results: number; trades: number }>(
    `SELECT (SELECT count(*)::int FROM strategy_probe_results WHERE run_id = 'conflict') AS results,
            (SELECT count(*)::int FROM strategy_probe_trades) AS trades`,
  );
  return rows[0]!;
};

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  ids = await ensureStrategies(db.pool, [strategy]);
});

afterAll(async () => {
  await db?.drop();
});

describe('ResultWriter', () => {
  it('writes each combination once, whatever is written again', async () => {
    const [low, high] = combinations();
    const lowRows = low!.rowCount;
    const lowTrades = low!.tradeCount;
    expect(lowRows).toBeGreaterThan(5);

    expect(await write([low!])).toMatchObject({ resultRows: lowRows, trades: lowTrades });
    expect(await counts()).toEqual({ results: lowRows, trades: lowTrades });

    // the same combination again: every row conflicts, nothing is added or changed
    const before = await db.pool.query('SELECT * FROM strategy_probe_results ORDER BY id');
    expect(await write([low!])).toMatchObject({ resultRows: 0, trades: 0 });
    expect(await counts()).toEqual({ results: lowRows, trades: lowTrades });
    expect((await db.pool.query('SELECT * FROM strategy_probe_results ORDER BY id')).rows).toEqual(before.rows);

    // a batch holding a stored and a new combination adds just the new one's rows and trades
    expect(await write([low!, high!], 1)).toMatchObject({ resultRows: high!.rowCount, trades: high!.tradeCount });
    expect(await counts()).toEqual({ results: lowRows + high!.rowCount, trades: lowTrades + high!.tradeCount });
    expect(await storedCombinations(db.pool, 'conflict')).toEqual(
      new Set([`SYNTH|${ids.get(strategy.name)!.id}|1Day|low`, `SYNTH|${ids.get(strategy.name)!.id}|1Day|high`]),
    );
  });

  it('leaves nothing behind when a batch fails', async () => {
    const [low] = combinations();
    const writer = new ResultWriter(db.pool, {
      runId: 'failing',
      persistTrades: true,
      batchRows: 500,
      strategyIds: new Map(), // the strategy is unknown: the batch must fail as a whole
    });
    writer.add({ ...context, runId: 'failing' }, [low!]);
    await expect(writer.finish()).rejects.toThrow(/not in probe_strategies/);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'failing'`);
    expect(rows[0]!.n).toBe(0);
  });
});
