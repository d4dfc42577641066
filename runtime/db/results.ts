import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import { RESULT_COPY_COLUMNS, TRADE_STAGING_COLUMNS } from '../output/copy-rows.js';
import { ConnectionLostError } from '../errors.js';
import { checkout, isConnectionError } from './connect.js';
import { copyBuffers } from './copy.js';

/** One (symbol, strategy, timeframe, risk profile) the engine ran to the end, and the trades it made. */
export interface FinishedCombination {
  readonly symbol: string;
  /** probe_strategies.id */
  readonly strategyId: number;
  readonly timeframe: string;
  readonly profile: string;
  readonly trades: number;
}

/** COPY text of whole combinations, as a worker formats it (see CopyRows). */
export interface CopyPayload {
  /** strategy_probe_results rows (RESULT_COPY_COLUMNS). */
  readonly results: Uint8Array;
  /** Their trades (TRADE_STAGING_COLUMNS), null when trades are not stored. */
  readonly trades: Uint8Array | null;
  readonly rowCount: number;
  readonly tradeCount: number;
  /** The combinations whose rows these are: recorded as finished in the same transaction, rows or none. */
  readonly finished: readonly FinishedCombination[];
}

export interface WriterOptions {
  readonly runId: string;
  readonly persistTrades: boolean;
  /** Result rows per transaction (config engine.db_batch_size). */
  readonly batchRows: number;
  /** Batches written at once, each on its own connection. */
  readonly concurrency?: number;
}

export interface WriteStats {
  combinations: number;
  resultRows: number;
  /** Trades stored (none unless persistTrades). */
  trades: number;
  /** Trades the engine made in the combinations written, stored or not. */
  engineTrades: number;
  /** Each committed batch: result rows, milliseconds from BEGIN to COMMIT, and whether it met a conflict. */
  batches: { rows: number; ms: number; conflict: boolean }[];
}

const RESULT_LIST = RESULT_COPY_COLUMNS.join(', ');
const DIMENSIONS = ['symbol', 'strategy_id', 'timeframe', 'risk_profile', 'open_day', 'open_hour', 'long_short'] as const;
const TRADE_FIELDS = [
  'open_timestamp', 'close_timestamp', 'open_justification', 'close_justification', 'pnl', 'pnl_pct', 'bars_held',
  'max_drawdown', 'max_profit', 'pnl_std',
] as const;
const TRADE_INSERT = `INSERT INTO strategy_probe_trades (strategy_probe_result_id, ticker, direction, ${TRADE_FIELDS.join(', ')})`;
const TRADE_SELECT = `t.symbol, t.direction, ${TRADE_FIELDS.map((c) => `t.${c}`).join(', ')}`;
/** A staged trade's result row: the same dimensions, its direction as long_short. */
const TRADE_MATCHES = (r: string): string =>
  DIMENSIONS.map((c) => `${r}.${c} = t.${c === 'long_short' ? 'direction' : c}`).join(' AND ');

/** PostgreSQL's unique_violation: a row of the batch is stored already. */
const UNIQUE_VIOLATION = '23505';
/** deadlock_detected: two writers took the same combinations in another order; one of them starts over. */
const DEADLOCK = '40P01';
const ATTEMPTS = 3;

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** The symbols and timeframes of a batch, "SYNTH 1Hour, SYNTH 1Day", for a message. */
const described = (batch: readonly CopyPayload[]): string =>
  [...new Set(batch.flatMap((p) => p.finished.map((c) => `${c.symbol} ${c.timeframe}`)))].join(', ') || 'a batch';

/**
 * Streams the COPY text of finished combinations to strategy_probe_results
 * (and, asked to, strategy_probe_trades) in batches. A batch is one
 * transaction holding whole combinations, so a crash never leaves a
 * combination half-written and a rerun with the same run id skips what is
 * stored.
 *
 * Rows are COPYed straight into strategy_probe_results: the combinations
 * written are those the resume check found missing, so a conflict is
 * possible only when another writer stores the same ones at the same time
 * (a unit retried while its first instance still writes). A batch that
 * meets one is rolled back to its savepoint and written again through a
 * staging table with ON CONFLICT DO NOTHING: rows another writer stored
 * keep that writer's values and trades. Trades are staged with their
 * result row's dimensions and linked by a join on the unique key, as a
 * result row's id exists only once it is stored.
 */
export class ResultWriter {
  readonly stats: WriteStats = { combinations: 0, resultRows: 0, trades: 0, engineTrades: 0, batches: [] };
  private pending: CopyPayload[] = [];
  private pendingRows = 0;
  /** Rows handed over and not yet committed, pending ones included. */
  private backlogRows = 0;
  private readonly writing = new Set<Promise<void>>();
  private readonly waiters: (() => void)[] = [];
  private readonly drainers: { rows: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private failure: unknown;
  /** Connections that already hold the staging tables (they live as long as the session). */
  private readonly staged = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly options: WriterOptions,
  ) {}

  add(payload: CopyPayload): void {
    this.pending.push(payload);
    const rows = Math.max(1, payload.rowCount);
    this.pendingRows += rows;
    this.backlogRows += rows;
    if (this.pendingRows >= this.options.batchRows) this.flush();
  }

  /**
   * Resolves once at most `rows` result rows wait to be committed: the engine
   * may run ahead of the database only so far. Rejects with the first failed
   * batch, so a run stops at the symbol whose write failed.
   */
  drained(rows: number): Promise<void> {
    this.flush();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.backlogRows <= rows) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainers.push({ rows, resolve, reject }));
  }

  /** Writes what is pending and waits for every batch; rethrows the first failure. */
  async finish(): Promise<WriteStats> {
    this.flush();
    while (this.writing.size > 0) await Promise.all(this.writing);
    if (this.failure !== undefined) throw this.failure;
    return this.stats;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const rows = this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
    const write = this.whenFree()
      .then(async () => {
        if (this.failure === undefined) await this.writeBatch(batch);
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.writing.delete(write);
        this.backlogRows -= rows;
        this.waiters.shift()?.();
        this.wakeDrainers();
      });
    this.writing.add(write);
  }

  private wakeDrainers(): void {
    for (let k = this.drainers.length - 1; k >= 0; k--) {
      const drainer = this.drainers[k]!;
      if (this.failure !== undefined) {
        this.drainers.splice(k, 1);
        drainer.reject(this.failure);
      } else if (this.backlogRows <= drainer.rows) {
        this.drainers.splice(k, 1);
        drainer.resolve();
      }
    }
  }

  /** Batches hold whole combinations, so several may be written at once and commit in any order. */
  private whenFree(): Promise<void> {
    const limit = this.options.concurrency ?? 2;
    if (this.writing.size < limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async writeBatch(batch: readonly CopyPayload[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writeBatchOnce(batch);
        return;
      } catch (error) {
        if (isConnectionError(error)) throw new ConnectionLostError(`the write of ${described(batch)}`, error);
        if (errorCode(error) !== DEADLOCK || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  private async writeBatchOnce(batch: readonly CopyPayload[]): Promise<void> {
    const client = await checkout(this.pool);
    try {
      const started = performance.now();
      await client.query('BEGIN');
      // a commit lost with the server itself is recomputed by resuming the run; atomicity is unaffected
      await client.query('SET LOCAL synchronous_commit TO off');
      await this.stage(client);
      await client.query('SAVEPOINT straight');
      let written: { results: number; trades: number };
      let conflict = false;
      try {
        written = await this.writeStraight(client, batch);
      } catch (error) {
        if (errorCode(error) !== UNIQUE_VIOLATION) throw error;
        await client.query('ROLLBACK TO SAVEPOINT straight');
        conflict = true;
        written = await this.writeSkippingStored(client, batch);
      }
      await this.recordFinished(client, batch);
      await client.query('COMMIT');
      this.stats.trades += written.trades;
      for (const payload of batch) {
        this.stats.combinations += payload.finished.length;
        this.stats.engineTrades += payload.tradeCount;
      }
      this.stats.resultRows += written.results;
      this.stats.batches.push({ rows: written.results, ms: performance.now() - started, conflict });
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** No row of the batch is stored yet: COPY into the table itself. */
  private async writeStraight(client: PoolClient, batch: readonly CopyPayload[]): Promise<{ results: number; trades: number }> {
    const results = await copyBuffers(client, 'strategy_probe_results', RESULT_COPY_COLUMNS, batch.map((p) => p.results));
    if (!this.options.persistTrades) return { results, trades: 0 };
    await this.stageTrades(client, batch);
    const trades = await client.query(
      `${TRADE_INSERT}
       SELECT r.id, ${TRADE_SELECT} FROM probe_trades_staging t
       JOIN strategy_probe_results r ON r.run_id = $1 AND ${TRADE_MATCHES('r')}
       ORDER BY t.seq`,
      [this.options.runId],
    );
    return { results, trades: trades.rowCount ?? 0 };
  }

  /** Some rows are stored already: insert the others, and the trades of those only. */
  private async writeSkippingStored(client: PoolClient, batch: readonly CopyPayload[]): Promise<{ results: number; trades: number }> {
    await copyBuffers(client, 'probe_results_staging', RESULT_COPY_COLUMNS, batch.map((p) => p.results));
    const insert = `INSERT INTO strategy_probe_results (${RESULT_LIST})
       SELECT ${RESULT_LIST} FROM probe_results_staging ORDER BY seq
       ON CONFLICT ON CONSTRAINT uq_probe_result_dimensions DO NOTHING`;
    if (!this.options.persistTrades) return { results: (await client.query(insert)).rowCount ?? 0, trades: 0 };
    await this.stageTrades(client, batch);
    const { rows } = await client.query<{ results: number; trades: number }>(
      `WITH inserted AS (${insert} RETURNING id, ${DIMENSIONS.join(', ')}),
       linked AS (
         ${TRADE_INSERT}
         SELECT inserted.id, ${TRADE_SELECT} FROM probe_trades_staging t JOIN inserted ON ${TRADE_MATCHES('inserted')}
         ORDER BY t.seq RETURNING 1
       )
       SELECT (SELECT count(*) FROM inserted)::int AS results, (SELECT count(*) FROM linked)::int AS trades`,
    );
    return rows[0]!;
  }

  /**
   * The batch's combinations, as finished, in its transaction: a combination
   * without a trade leaves no result row, and without this record a resume
   * would run it again. Another writer may have recorded one already.
   */
  private async recordFinished(client: PoolClient, batch: readonly CopyPayload[]): Promise<void> {
    const finished = batch.flatMap((p) => p.finished);
    if (finished.length === 0) return;
    await client.query(
      `INSERT INTO probe_run_combinations (run_id, symbol, strategy_id, timeframe, risk_profile, trades)
       SELECT $1, * FROM unnest($2::varchar[], $3::int[], $4::varchar[], $5::varchar[], $6::int[])
       ON CONFLICT DO NOTHING`,
      [
        this.options.runId,
        finished.map((c) => c.symbol),
        finished.map((c) => c.strategyId),
        finished.map((c) => c.timeframe),
        finished.map((c) => c.profile),
        finished.map((c) => c.trades),
      ],
    );
  }

  private async stageTrades(client: PoolClient, batch: readonly CopyPayload[]): Promise<void> {
    const buffers = batch.flatMap((p) => (p.trades === null ? [] : [p.trades]));
    await copyBuffers(client, 'probe_trades_staging', TRADE_STAGING_COLUMNS, buffers);
  }

  /** Staging tables, created once per connection and emptied by every commit: no catalog churn per batch. */
  private async stage(client: PoolClient): Promise<void> {
    if (this.staged.has(client)) return;
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS probe_results_staging (
      seq BIGINT GENERATED ALWAYS AS IDENTITY, run_id VARCHAR(50), symbol VARCHAR(20), strategy_id INTEGER,
      strategy_version INTEGER, period_start TIMESTAMPTZ, period_end TIMESTAMPTZ, timeframe VARCHAR(10),
      risk_profile VARCHAR(10), open_day DATE, open_hour INTEGER, long_short VARCHAR(5), num_trades INTEGER,
      pnl_mean DOUBLE PRECISION, pnl_std DOUBLE PRECISION, max_drawdown DOUBLE PRECISION, max_profit DOUBLE PRECISION
    ) ON COMMIT DELETE ROWS`);
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS probe_trades_staging (
      seq BIGINT GENERATED ALWAYS AS IDENTITY, symbol VARCHAR(20), strategy_id INTEGER, timeframe VARCHAR(10),
      risk_profile VARCHAR(10), open_day DATE, open_hour INTEGER, direction VARCHAR(5), open_timestamp TIMESTAMPTZ,
      close_timestamp TIMESTAMPTZ, open_justification TEXT, close_justification TEXT, pnl DOUBLE PRECISION,
      pnl_pct DOUBLE PRECISION, bars_held INTEGER, max_drawdown DOUBLE PRECISION, max_profit DOUBLE PRECISION,
      pnl_std DOUBLE PRECISION
    ) ON COMMIT DELETE ROWS`);
    this.staged.add(client);
  }
}

/**
 * Combinations of a run already stored: "symbol|strategy_id|timeframe|risk_profile".
 * Those recorded as finished, and those with result rows: a run written
 * before probe_run_combinations existed has only its rows.
 */
export async function storedCombinations(pool: Pool, runId: string): Promise<Set<string>> {
  const result = await pool.query<{ key: string }>(
    `SELECT concat_ws('|', symbol, strategy_id, timeframe, risk_profile) AS key FROM probe_run_combinations WHERE run_id = $1
     UNION
     SELECT concat_ws('|', symbol, strategy_id, timeframe, risk_profile) FROM strategy_probe_results WHERE run_id = $1`,
    [runId],
  );
  return new Set(result.rows.map((r) => r.key));
}
