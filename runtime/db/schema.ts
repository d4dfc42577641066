import type { Pool, PoolClient } from 'pg';

export interface TableDefinition {
  readonly name: string;
  readonly create: string;
  readonly indexes: readonly string[];
  /**
   * Columns added after the table's first release (probe's own tables only:
   * the shared ones are never altered), each with the statements that add it
   * and its indexes. They run whenever the column is missing, so a table an
   * older probe created catches up, and a new table gets them right after
   * its CREATE: the columns are written down once.
   */
  readonly added?: readonly { readonly column: string; readonly statements: readonly string[] }[];
}

/**
 * The Python system's tables, as its migrations leave them (001 tickers and
 * ohlcv_bars, 002 computed_features, 015-018 and 020-021 the probe tables),
 * each created only when missing. An existing table is never altered.
 */
export const TABLES: readonly TableDefinition[] = [
  {
    name: 'tickers',
    create: `CREATE TABLE IF NOT EXISTS tickers (
      id SERIAL PRIMARY KEY,
      symbol VARCHAR(20) NOT NULL,
      name VARCHAR(255),
      exchange VARCHAR(50),
      asset_type VARCHAR(20) NOT NULL DEFAULT 'stock',
      is_active BOOLEAN NOT NULL DEFAULT true,
      created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
      CONSTRAINT tickers_symbol_key UNIQUE (symbol)
    )`,
    indexes: ['CREATE UNIQUE INDEX IF NOT EXISTS ix_tickers_symbol ON tickers (symbol)'],
  },
  {
    name: 'ohlcv_bars',
    create: `CREATE TABLE IF NOT EXISTS ohlcv_bars (
      id BIGSERIAL PRIMARY KEY,
      ticker_id INTEGER NOT NULL REFERENCES tickers (id) ON DELETE CASCADE,
      timeframe VARCHAR(10) NOT NULL,
      timestamp TIMESTAMPTZ NOT NULL,
      open DOUBLE PRECISION NOT NULL,
      high DOUBLE PRECISION NOT NULL,
      low DOUBLE PRECISION NOT NULL,
      close DOUBLE PRECISION NOT NULL,
      volume BIGINT NOT NULL,
      trade_count INTEGER,
      vwap DOUBLE PRECISION,
      source VARCHAR(20) NOT NULL DEFAULT 'alpaca',
      created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
      CONSTRAINT uq_bar_ticker_timeframe_ts UNIQUE (ticker_id, timeframe, timestamp),
      CONSTRAINT ck_high_gte_low CHECK (high >= low),
      CONSTRAINT ck_high_gte_open_close CHECK (high >= open AND high >= close),
      CONSTRAINT ck_low_lte_open_close CHECK (low <= open AND low <= close),
      CONSTRAINT ck_positive_open CHECK (open > 0),
      CONSTRAINT ck_positive_high CHECK (high > 0),
      CONSTRAINT ck_positive_low CHECK (low > 0),
      CONSTRAINT ck_positive_close CHECK (close > 0),
      CONSTRAINT ck_non_negative_volume CHECK (volume >= 0)
    )`,
    indexes: [
      'CREATE INDEX IF NOT EXISTS ix_ohlcv_ticker_timeframe_ts ON ohlcv_bars (ticker_id, timeframe, timestamp)',
      'CREATE INDEX IF NOT EXISTS ix_ohlcv_timestamp ON ohlcv_bars (timestamp)',
    ],
  },
  {
    name: 'computed_features',
    create: `CREATE TABLE IF NOT EXISTS computed_features (
      id BIGSERIAL PRIMARY KEY,
      bar_id BIGINT NOT NULL REFERENCES ohlcv_bars (id) ON DELETE CASCADE,
      ticker_id INTEGER NOT NULL REFERENCES tickers (id) ON DELETE CASCADE,
      timeframe VARCHAR(10) NOT NULL,
      timestamp TIMESTAMPTZ NOT NULL,
      features JSONB NOT NULL,
      feature_version VARCHAR(20),
      created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
      CONSTRAINT uq_features_bar_id UNIQUE (bar_id)
    )`,
    indexes: ['CREATE INDEX IF NOT EXISTS ix_features_ticker_timeframe_ts ON computed_features (ticker_id, timeframe, timestamp)'],
  },
  {
    name: 'probe_strategies',
    create: `CREATE TABLE IF NOT EXISTS probe_strategies (
      id SERIAL PRIMARY KEY,
      name VARCHAR(100) NOT NULL UNIQUE,
      display_name VARCHAR(200) NOT NULL,
      philosophy VARCHAR(500) NOT NULL,
      strategy_type VARCHAR(50) NOT NULL,
      direction VARCHAR(15) NOT NULL,
      details JSONB NOT NULL,
      is_active BOOLEAN NOT NULL DEFAULT true,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      version INTEGER NOT NULL DEFAULT 1
    )`,
    indexes: [
      'CREATE INDEX IF NOT EXISTS ix_probe_strategies_name ON probe_strategies (name)',
      'CREATE INDEX IF NOT EXISTS ix_probe_strategies_type ON probe_strategies (strategy_type)',
    ],
  },
  {
    name: 'strategy_probe_results',
    create: `CREATE TABLE IF NOT EXISTS strategy_probe_results (
      id BIGSERIAL PRIMARY KEY,
      run_id VARCHAR(50) NOT NULL,
      symbol VARCHAR(20) NOT NULL,
      strategy_id INTEGER NOT NULL REFERENCES probe_strategies (id) ON DELETE CASCADE,
      period_start TIMESTAMPTZ NOT NULL,
      period_end TIMESTAMPTZ NOT NULL,
      timeframe VARCHAR(10) NOT NULL,
      risk_profile VARCHAR(10) NOT NULL,
      open_day DATE NOT NULL,
      open_hour INTEGER NOT NULL,
      long_short VARCHAR(5) NOT NULL,
      num_trades INTEGER NOT NULL,
      pnl_mean DOUBLE PRECISION NOT NULL,
      pnl_std DOUBLE PRECISION NOT NULL,
      max_drawdown DOUBLE PRECISION NOT NULL,
      max_profit DOUBLE PRECISION NOT NULL,
      metadata_json JSONB,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      strategy_version INTEGER NOT NULL DEFAULT 1,
      CONSTRAINT uq_probe_result_dimensions UNIQUE (run_id, symbol, strategy_id, timeframe, risk_profile, open_day, open_hour, long_short)
    )`,
    indexes: [
      'CREATE INDEX IF NOT EXISTS ix_probe_run_id ON strategy_probe_results (run_id)',
      'CREATE INDEX IF NOT EXISTS ix_probe_strat_tf_risk ON strategy_probe_results (strategy_id, timeframe, risk_profile)',
      'CREATE INDEX IF NOT EXISTS ix_probe_symbol_run ON strategy_probe_results (symbol, run_id)',
      'CREATE INDEX IF NOT EXISTS ix_probe_results_open_day ON strategy_probe_results (open_day)',
    ],
  },
  {
    name: 'strategy_probe_trades',
    create: `CREATE TABLE IF NOT EXISTS strategy_probe_trades (
      id BIGSERIAL PRIMARY KEY,
      strategy_probe_result_id BIGINT NOT NULL REFERENCES strategy_probe_results (id) ON DELETE CASCADE,
      ticker VARCHAR(20) NOT NULL,
      open_timestamp TIMESTAMPTZ NOT NULL,
      close_timestamp TIMESTAMPTZ NOT NULL,
      direction VARCHAR(5) NOT NULL,
      open_justification TEXT,
      close_justification TEXT,
      pnl DOUBLE PRECISION NOT NULL,
      pnl_pct DOUBLE PRECISION NOT NULL,
      bars_held INTEGER NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      max_drawdown DOUBLE PRECISION NOT NULL DEFAULT 0,
      max_profit DOUBLE PRECISION NOT NULL DEFAULT 0,
      pnl_std DOUBLE PRECISION NOT NULL DEFAULT 0
    )`,
    indexes: [
      'CREATE INDEX IF NOT EXISTS ix_probe_trades_result_id ON strategy_probe_trades (strategy_probe_result_id)',
      'CREATE INDEX IF NOT EXISTS ix_probe_trades_ticker ON strategy_probe_trades (ticker)',
      'CREATE INDEX IF NOT EXISTS ix_probe_trades_direction ON strategy_probe_trades (direction)',
      'CREATE INDEX IF NOT EXISTS ix_probe_trades_open_ts ON strategy_probe_trades (open_timestamp)',
    ],
  },
];

/**
 * The combinations a run finished, each with the trades the engine made
 * (stored or not), written in the transaction of their result rows. A
 * combination without a trade has no result row: this is how a resume knows
 * it ran, and how a run's trades are counted when they are not stored.
 */
export const RUN_COMBINATIONS: TableDefinition = {
  name: 'probe_run_combinations',
  create: `CREATE TABLE IF NOT EXISTS probe_run_combinations (
    run_id VARCHAR(50) NOT NULL,
    symbol VARCHAR(20) NOT NULL,
    strategy_id INTEGER NOT NULL REFERENCES probe_strategies (id) ON DELETE CASCADE,
    timeframe VARCHAR(10) NOT NULL,
    risk_profile VARCHAR(10) NOT NULL,
    trades INTEGER NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, symbol, strategy_id, timeframe, risk_profile)
  )`,
  indexes: [],
};

/**
 * probe's own tables, beside the shared ones: what runs finished, and the
 * HTTP service's run state, so any instance answers for any run, also after
 * a restart.
 */
export const SERVICE_TABLES: readonly TableDefinition[] = [
  RUN_COMBINATIONS,
  {
    name: 'probe_service_runs',
    create: `CREATE TABLE IF NOT EXISTS probe_service_runs (
      run_id VARCHAR(50) PRIMARY KEY,
      status VARCHAR(10) NOT NULL,
      request JSONB NOT NULL,
      total_combinations INTEGER NOT NULL,
      units_total INTEGER NOT NULL,
      error TEXT,
      total_trades INTEGER,
      total_result_records INTEGER,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      started_at TIMESTAMPTZ,
      finished_at TIMESTAMPTZ,
      CONSTRAINT ck_probe_service_runs_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled'))
    )`,
    indexes: ['CREATE INDEX IF NOT EXISTS ix_probe_service_runs_status ON probe_service_runs (status)'],
  },
  {
    name: 'probe_service_units',
    create: `CREATE TABLE IF NOT EXISTS probe_service_units (
      run_id VARCHAR(50) NOT NULL REFERENCES probe_service_runs (run_id) ON DELETE CASCADE,
      symbol VARCHAR(20) NOT NULL,
      timeframe VARCHAR(10) NOT NULL,
      combinations INTEGER NOT NULL,
      completed INTEGER NOT NULL DEFAULT 0,
      done BOOLEAN NOT NULL DEFAULT false,
      trades INTEGER NOT NULL DEFAULT 0,
      result_rows INTEGER NOT NULL DEFAULT 0,
      instance VARCHAR(100),
      error TEXT,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, symbol, timeframe)
    )`,
    indexes: [],
    // what a unit's time is learned from (runtime/service/estimate.ts): its bars in the run's range (counted at
    // submission) and when its last attempt started and finished; the index serves the recent finished units
    added: [
      { column: 'bars', statements: ['ALTER TABLE probe_service_units ADD COLUMN IF NOT EXISTS bars INTEGER'] },
      { column: 'started_at', statements: ['ALTER TABLE probe_service_units ADD COLUMN IF NOT EXISTS started_at TIMESTAMPTZ'] },
      {
        column: 'finished_at',
        statements: [
          'ALTER TABLE probe_service_units ADD COLUMN IF NOT EXISTS finished_at TIMESTAMPTZ',
          'CREATE INDEX IF NOT EXISTS ix_probe_service_units_finished_at ON probe_service_units (finished_at)',
        ],
      },
    ],
  },
];

/**
 * Creates the missing tables (and their indexes) in one transaction; leaves
 * every existing shared table exactly as it is, and adds to probe's own only
 * the columns they lack. Returns the tables it created and the columns it
 * added to existing tables (as table.column).
 */
export async function initSchema(pool: Pool, tables: readonly TableDefinition[] = [...TABLES, ...SERVICE_TABLES]): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // one init at a time, so concurrent callers do not race on CREATE
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['probe db init']);
    const all = tables;
    const existing = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)`,
      [all.map((t) => t.name)],
    );
    const present = new Set(existing.rows.map((r) => r.table_name));
    const created: string[] = [];
    for (const table of all) {
      if (present.has(table.name)) continue;
      await client.query(table.create);
      for (const index of table.indexes) await client.query(index);
      created.push(table.name);
    }
    created.push(...(await addColumns(client, all, present)));
    await client.query('COMMIT');
    return created;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * `table` created when missing, as `probe db init` would: a command writing
 * to one of probe's own tables works on a database the Python system made,
 * where nobody ran `probe db init`. Present, it costs one lookup and no lock.
 */
export async function ensureTable(pool: Pool, table: TableDefinition): Promise<void> {
  const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table.name]);
  if (!rows[0]!.found) await initSchema(pool, [table]);
}

/**
 * The `added` columns the tables lack, added; only a missing column costs
 * an ALTER (and its brief exclusive lock), so a start-up against an
 * up-to-date schema locks nothing. Returns those of tables that existed before.
 */
async function addColumns(client: PoolClient, tables: readonly TableDefinition[], existed: ReadonlySet<string>): Promise<string[]> {
  const growing = tables.filter((t) => t.added !== undefined && t.added.length > 0);
  if (growing.length === 0) return [];
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [growing.map((t) => t.name)],
  );
  const columns = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  const added: string[] = [];
  for (const table of growing) {
    for (const addition of table.added!) {
      if (columns.has(`${table.name}.${addition.column}`)) continue;
      for (const statement of addition.statements) await client.query(statement);
      if (existed.has(table.name)) added.push(`${table.name}.${addition.column}`);
    }
  }
  return added;
}
