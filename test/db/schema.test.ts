import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_TABLES, TABLES } from '../../runtime/db/schema.js';
import { probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';

/** Everything `db init` could change, as comparable text: columns, constraints, indexes. */
async function schemaDump(pool: Pool): Promise<string[]> {
  const columns = await pool.query<{ line: string }>(
    `SELECT concat_ws(' ', 'column', table_name, column_name, ordinal_position, data_type, character_maximum_length, is_nullable, column_default) AS line
       FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const constraints = await pool.query<{ line: string }>(
    `SELECT concat_ws(' ', 'constraint', c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)) AS line
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()`,
  );
  const indexes = await pool.query<{ line: string }>(
    `SELECT concat_ws(' ', 'index', tablename, indexname, indexdef) AS line FROM pg_indexes WHERE schemaname = current_schema()`,
  );
  return [...columns.rows, ...constraints.rows, ...indexes.rows].map((r) => r.line).sort();
}

const TABLE_NAMES = [...TABLES, ...SERVICE_TABLES].map((t) => t.name);

describe('probe db init', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('creates the six shared tables with the Python migrations\' constraint names, and probe\'s own three', async () => {
    const run = await probe(['db', 'init'], { DATABASE_URL: db.url });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/: created tickers, ohlcv_bars, computed_features, probe_strategies, strategy_probe_results, strategy_probe_trades, probe_run_combinations, probe_service_runs, probe_service_units\n$/);
    // the label names the database without its password
    expect(run.stdout).not.toContain('probe-embedded');

    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([...TABLE_NAMES].sort());

    const constraints = await db.pool.query<{ table: string; name: string; type: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, contype AS type FROM pg_constraint WHERE contype IN ('u', 'c')`,
    );
    const named = new Map(constraints.rows.map((r) => [r.name, `${r.table} ${r.type}`]));
    expect(named.get('uq_bar_ticker_timeframe_ts')).toBe('ohlcv_bars u');
    expect(named.get('uq_features_bar_id')).toBe('computed_features u');
    expect(named.get('uq_probe_result_dimensions')).toBe('strategy_probe_results u');
    for (const check of [
      'ck_high_gte_low', 'ck_high_gte_open_close', 'ck_low_lte_open_close', 'ck_positive_open',
      'ck_positive_high', 'ck_positive_low', 'ck_positive_close', 'ck_non_negative_volume',
    ]) {
      expect(named.get(check), check).toBe('ohlcv_bars c');
    }
  });

  it('creates nothing and changes nothing when run again', async () => {
    const before = await schemaDump(db.pool);
    expect(before.length).toBeGreaterThan(100);
    const run = await probe(['db', 'init'], { DATABASE_URL: db.url });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/: schema complete: nothing to create\n$/);
    expect(await schemaDump(db.pool)).toEqual(before);
  });

  it('leaves the Python system\'s existing tables exactly as they are', async () => {
    const python = await freshDatabase();
    try {
      // tickers as a later migration of the Python system might leave it: an extra column, no ix_tickers_symbol
      await python.pool.query(`CREATE TABLE tickers (
        id SERIAL PRIMARY KEY, symbol VARCHAR(20) NOT NULL UNIQUE, name VARCHAR(255), exchange VARCHAR(50),
        asset_type VARCHAR(20) NOT NULL DEFAULT 'stock', is_active BOOLEAN NOT NULL DEFAULT true,
        created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
        sector VARCHAR(50))`);
      await python.pool.query(`INSERT INTO tickers (symbol, sector) VALUES ('AAPL', 'tech')`);
      const tickersBefore = (await schemaDump(python.pool)).filter((l) => / tickers /.test(l));

      const run = await probe(['db', 'init'], { DATABASE_URL: python.url });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/: created ohlcv_bars, computed_features, probe_strategies, strategy_probe_results, strategy_probe_trades, probe_run_combinations, probe_service_runs, probe_service_units\n$/);
      expect((await schemaDump(python.pool)).filter((l) => / tickers /.test(l))).toEqual(tickersBefore);
      expect((await python.pool.query('SELECT symbol, sector FROM tickers')).rows).toEqual([{ symbol: 'AAPL', sector: 'tech' }]);
    } finally {
      await python.drop();
    }
  });

  it('adds the columns probe\'s own tables gained to the tables an older probe created, and nothing else', async () => {
    const older = await freshDatabase();
    try {
      expect((await probe(['db', 'init'], { DATABASE_URL: older.url })).status).toBe(0);
      const complete = (await schemaDump(older.pool)).filter((l) => / probe_service_units /.test(l) && !l.startsWith('column'));
      // probe_service_units as the first release of the service created it
      await older.pool.query('ALTER TABLE probe_service_units DROP COLUMN bars, DROP COLUMN started_at, DROP COLUMN finished_at');
      await older.pool.query(`INSERT INTO probe_service_runs (run_id, status, request, total_combinations, units_total) VALUES ('old', 'completed', '{}', 9, 1)`);
      await older.pool.query(`INSERT INTO probe_service_units (run_id, symbol, timeframe, combinations, done) VALUES ('old', 'SPY', '1Day', 9, true)`);
      const shared = (await schemaDump(older.pool)).filter((l) => !/ probe_service_/.test(l));

      const run = await probe(['db', 'init'], { DATABASE_URL: older.url });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/: created probe_service_units\.bars, probe_service_units\.started_at, probe_service_units\.finished_at\n$/);
      const columns = await older.pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = 'probe_service_units' AND column_name IN ('bars', 'started_at', 'finished_at')
         ORDER BY column_name`,
      );
      expect(columns.rows).toEqual([
        { column_name: 'bars', data_type: 'integer', is_nullable: 'YES' },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
        { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      ]);
      // the same constraints and indexes as a table created today; the old unit kept, its new columns empty
      expect((await schemaDump(older.pool)).filter((l) => / probe_service_units /.test(l) && !l.startsWith('column'))).toEqual(complete);
      expect((await older.pool.query('SELECT symbol, bars, started_at FROM probe_service_units')).rows).toEqual([
        { symbol: 'SPY', bars: null, started_at: null },
      ]);
      // the shared tables untouched, and a second init has nothing left to do
      expect((await schemaDump(older.pool)).filter((l) => !/ probe_service_/.test(l))).toEqual(shared);
      expect((await probe(['db', 'init'], { DATABASE_URL: older.url })).stdout).toMatch(/: schema complete: nothing to create\n$/);
    } finally {
      await older.drop();
    }
  });

  it('explains a database it cannot reach and a config file that does not exist', async () => {
    const unreachable = await probe(['db', 'init'], { DATABASE_URL: 'postgres://probe:secret@127.0.0.1:1/none' });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain('cannot use the database at postgres://probe:***@127.0.0.1:1/none');
    expect(unreachable.stderr).not.toContain('secret');

    const config = await probe(['db', 'init', '--config', 'no-such-config.yaml'], { DATABASE_URL: db.url });
    expect(config.status).toBe(2);
    expect(config.stderr).toBe('error: config file no-such-config.yaml does not exist\n');
  });
});
