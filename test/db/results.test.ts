import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { type StoredStrategies, ensureStrategies } from '../../runtime/db/ensure-strategies.js';
import { type CopyPayload, ResultWriter, storedCombinations } from '../../runtime/db/results.js';
import { tradeCount } from '../../runtime/engine/trade-log.js';
import { RISK_PROFILES } from '../../runtime/engine/risk-profiles.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { ROW_FIELDS } from '../../runtime/engine/aggregate.js';
import { ByteSink } from '../../runtime/output/byte-sink.js';
import { CopyRows } from '../../runtime/output/copy-rows.js';
import { prepareSeries } from '../../runtime/run/prepare.js';
import { runStrategy } from '../../runtime/run/strategy-run.js';
import { freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

/**
 * The writer's two paths: COPY straight into the table when nothing of the
 * batch is stored, and ON CONFLICT DO NOTHING when something is (a row
 * already stored is kept as it is, and trades are linked only to the rows
 * the writing transaction inserted), so writing a combination twice never
 * duplicates anything.
 */
let db: { pool: Pool; drop(): Promise<void> };
let ids: StoredStrategies;
const strategy = STRATEGIES.find((s) => s.id === 1)!;
const context = { runId: 'conflict', symbol: 'SYNTH', timeframe: '1Day', periodStart: 0, periodEnd: 1 };

/** The COPY text of strategy 1 on the parity bars for the low and the high profile, as a worker writes it. */
function payloads(runId = context.runId, stored = ids[strategy.id]!): CopyPayload[] {
  const bars = readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv'));
  const series = prepareSeries(bars, [strategy]);
  const rows = new CopyRows({ ...context, runId }, series);
  return runStrategy(series, strategy, [RISK_PROFILES.low, RISK_PROFILES.high]).map((run) => {
    const results = new ByteSink();
    const trades = new ByteSink();
    rows.results(stored, run.profile.name, run.rows, results);
    rows.trades(stored, strategy, run.profile.name, run.trades, trades);
    return {
      results: results.take(),
      trades: trades.take(),
      rowCount: run.rows.length / ROW_FIELDS,
      tradeCount: tradeCount(run.trades),
      finished: [{ symbol: 'SYNTH', strategyId: stored.id, timeframe: '1Day', profile: run.profile.name, trades: tradeCount(run.trades) }],
    };
  });
}

async function write(list: CopyPayload[], batchRows = 500, runId = context.runId) {
  const writer = new ResultWriter(db.pool, { runId, persistTrades: true, batchRows });
  for (const payload of list) writer.add(payload);
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
    const [low, high] = payloads();
    const lowRows = low!.rowCount;
    const lowTrades = low!.tradeCount;
    expect(lowRows).toBeGreaterThan(5);

    const first = await write([low!]);
    expect(first).toMatchObject({ resultRows: lowRows, trades: lowTrades });
    expect(first.batches.map((b) => b.conflict)).toEqual([false]);
    expect(await counts()).toEqual({ results: lowRows, trades: lowTrades });

    // the same combination again: every row conflicts, nothing is added or changed
    const before = await db.pool.query('SELECT * FROM strategy_probe_results ORDER BY id');
    const again = await write([low!]);
    expect(again).toMatchObject({ resultRows: 0, trades: 0 });
    expect(again.batches.map((b) => b.conflict)).toEqual([true]);
    expect(await counts()).toEqual({ results: lowRows, trades: lowTrades });
    expect((await db.pool.query('SELECT * FROM strategy_probe_results ORDER BY id')).rows).toEqual(before.rows);

    // a batch holding a stored and a new combination adds just the new one's rows and trades
    expect(await write([low!, high!])).toMatchObject({ resultRows: high!.rowCount, trades: high!.tradeCount });
    expect(await counts()).toEqual({ results: lowRows + high!.rowCount, trades: lowTrades + high!.tradeCount });
    expect(await storedCombinations(db.pool, 'conflict')).toEqual(
      new Set([`SYNTH|${ids[strategy.id]!.id}|1Day|low`, `SYNTH|${ids[strategy.id]!.id}|1Day|high`]),
    );
  });

  it('links every trade to the result row of its group', async () => {
    const runId = 'linked';
    const [low, high] = payloads(runId);
    await write([low!, high!], 500, runId);
    // each row's num_trades equals the trades linked to it, and no trade is left unlinked
    const { rows } = await db.pool.query<{ mismatched: number; trades: number }>(
      `SELECT count(*) FILTER (WHERE r.num_trades <> (SELECT count(*) FROM strategy_probe_trades t WHERE t.strategy_probe_result_id = r.id))::int AS mismatched,
              (SELECT count(*)::int FROM strategy_probe_trades t JOIN strategy_probe_results p ON p.id = t.strategy_probe_result_id WHERE p.run_id = $1) AS trades
       FROM strategy_probe_results r WHERE r.run_id = $1`,
      [runId],
    );
    expect(rows[0]).toEqual({ mismatched: 0, trades: low!.tradeCount + high!.tradeCount });
  });

  it('ends with every row once when two writers race on the same run', async () => {
    const runId = 'race';
    const [low, high] = payloads(runId);
    // both write both combinations at once, one row per batch boundary apart
    const [a, b] = await Promise.all([write([low!, high!], 1, runId), write([high!, low!], 1, runId)]);
    const expected = { results: low!.rowCount + high!.rowCount, trades: low!.tradeCount + high!.tradeCount };
    expect({ results: a.resultRows + b.resultRows, trades: a.trades + b.trades }).toEqual(expected);
    const { rows } = await db.pool.query<{ results: number; distinct: number; trades: number }>(
      `SELECT count(*)::int AS results,
              count(DISTINCT (strategy_id, timeframe, risk_profile, open_day, open_hour, long_short))::int AS distinct,
              (SELECT count(*)::int FROM strategy_probe_trades t JOIN strategy_probe_results p ON p.id = t.strategy_probe_result_id WHERE p.run_id = $1) AS trades
       FROM strategy_probe_results WHERE run_id = $1`,
      [runId],
    );
    expect(rows[0]).toEqual({ results: expected.results, distinct: expected.results, trades: expected.trades });
  });

  it('leaves nothing behind when a batch fails', async () => {
    // a strategy id that is not in probe_strategies: the foreign key fails the batch as a whole
    const [low] = payloads('failing', { id: 999_999, version: 1 });
    const writer = new ResultWriter(db.pool, { runId: 'failing', persistTrades: true, batchRows: 500 });
    writer.add(low!);
    await expect(writer.finish()).rejects.toThrow(/foreign key/);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'failing'`);
    expect(rows[0]!.n).toBe(0);
  });
});
