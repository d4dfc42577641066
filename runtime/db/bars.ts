import type { CustomTypesConfig, Pool, PoolClient, QueryArrayConfig } from 'pg';
import { InputError } from '../errors.js';
import { type Bars, allocateBars } from '../series/bars.js';
import { checkout } from './connect.js';
import { copyRows } from './copy.js';

/** Tickers are stored upper-case (AAPL), as the Python engine upper-cases the symbols it writes. */
export function normalizeSymbol(symbol: string): string {
  return symbol.trim().toUpperCase();
}

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

export async function tickerId(db: Queryable, symbol: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM tickers WHERE symbol = $1', [normalizeSymbol(symbol)]);
  return rows[0]?.id;
}

export async function tickerExists(pool: Pool, symbol: string): Promise<boolean> {
  return (await tickerId(pool, symbol)) !== undefined;
}

/**
 * What ohlcv_bars needs beyond readBarsCsv's checks: a finite time and a
 * whole volume (the column is BIGINT, and COPY would reject `1.5` halfway).
 */
export function storageProblems(bars: Bars, where: (index: number) => string): string[] {
  const problems: string[] = [];
  for (let i = 0; i < bars.length && problems.length < 20; i++) {
    if (!Number.isFinite(bars.time[i]!)) problems.push(`${where(i)}: the timestamp is not a valid time`);
    const volume = bars.volume[i]!;
    if (!Number.isSafeInteger(volume)) problems.push(`${where(i)}: volume ${volume} is not a whole number (ohlcv_bars.volume is BIGINT)`);
  }
  return problems;
}

export interface ImportCounts {
  readonly inserted: number;
  /** Bars whose (ticker, timeframe, timestamp) was already stored: kept as they were. */
  readonly skipped: number;
}

/**
 * Stores bars in ohlcv_bars (source 'probe-import'), creating the ticker if
 * needed. All or nothing: one transaction, COPY into a temporary table, then
 * one INSERT that leaves bars already stored alone, so re-importing a file
 * (or an overlapping one) is harmless.
 */
export async function importBars(pool: Pool, symbol: string, timeframe: string, bars: Bars): Promise<ImportCounts> {
  const problems = storageProblems(bars, (i) => `bar ${i + 1}`);
  if (problems.length > 0) throw new InputError(problems);
  const client = await checkout(pool);
  try {
    await client.query('BEGIN');
    const ticker = normalizeSymbol(symbol);
    await client.query('INSERT INTO tickers (symbol) VALUES ($1) ON CONFLICT (symbol) DO NOTHING', [ticker]);
    const id = await tickerId(client, ticker);
    await client.query(
      `CREATE TEMP TABLE probe_import_bars (
         timestamp TIMESTAMPTZ, open DOUBLE PRECISION, high DOUBLE PRECISION, low DOUBLE PRECISION, close DOUBLE PRECISION, volume BIGINT
       ) ON COMMIT DROP`,
    );
    await copyRows(client, 'probe_import_bars', ['timestamp', 'open', 'high', 'low', 'close', 'volume'], barRows(bars));
    const result = await client.query(
      `INSERT INTO ohlcv_bars (ticker_id, timeframe, timestamp, open, high, low, close, volume, source)
       SELECT $1, $2, timestamp, open, high, low, close, volume, 'probe-import' FROM probe_import_bars
       ON CONFLICT ON CONSTRAINT uq_bar_ticker_timeframe_ts DO NOTHING`,
      [id, timeframe],
    );
    await client.query('COMMIT');
    const inserted = result.rowCount ?? 0;
    return { inserted, skipped: bars.length - inserted };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function* barRows(bars: Bars): Generator<(string | number)[]> {
  for (let i = 0; i < bars.length; i++) {
    yield [new Date(bars.time[i]!).toISOString(), bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!];
  }
}

/**
 * Runs a query whose columns are all float8 or jsonb, rows as arrays:
 * float8 as numbers, jsonb parsed. PostgreSQL 12+ prints float8 (and keeps
 * JSONB numbers as exact decimals) in a form that parseFloat and JSON.parse
 * read back to the very same double, unless a server sets
 * extra_float_digits below 1. (pg's binary mode would skip the text, but pg
 * decodes binary fields as UTF-8 strings, which mangles them.)
 */
export async function arrayRows(db: Queryable, text: string, values: readonly unknown[]): Promise<unknown[][]> {
  const config: QueryArrayConfig = { text, values: [...values], rowMode: 'array', types: PARSERS };
  const result = await db.query<unknown[]>(config);
  return result.rows;
}

const FLOAT8 = 701;
const JSONB = 3802;
// our own parsers, so that no global pg.types setting can change what these columns become
const PARSERS: CustomTypesConfig = {
  getTypeParser: ((oid: number) => {
    if (oid === FLOAT8) return parseFloat;
    if (oid === JSONB) return JSON.parse;
    throw new Error(`arrayRows: a column of type oid ${oid}; cast it to float8`);
  }) as CustomTypesConfig['getTypeParser'],
};

export interface StoredBars {
  readonly bars: Bars;
  /** ohlcv_bars.id of each bar, for computed_features. */
  readonly barIds: Float64Array;
}

/** A bound of a time range: a Date or UTC epoch milliseconds, inclusive. */
export type TimeBound = Date | number;

/** `AND <column> >= $n` / `<= $n` for the bounds given: open bounds stay out of the SQL so the index serves the rest. */
export function rangeSql(column: string, start: TimeBound | undefined, end: TimeBound | undefined, values: unknown[]): string {
  let sql = '';
  if (start !== undefined) sql += ` AND ${column} >= $${values.push(new Date(start))}`;
  if (end !== undefined) sql += ` AND ${column} <= $${values.push(new Date(end))}`;
  return sql;
}

/**
 * The bars of (symbol, timeframe) in [start, end], oldest first (at most
 * `limit` of them), with their ids: one query, times converted to epoch
 * milliseconds by the server.
 */
export async function loadBars(
  pool: Pool,
  symbol: string,
  timeframe: string,
  start?: TimeBound,
  end?: TimeBound,
  limit?: number,
): Promise<StoredBars> {
  const values: unknown[] = [normalizeSymbol(symbol), timeframe];
  const range = rangeSql('ohlcv_bars.timestamp', start, end, values);
  const rows = await arrayRows(
    pool,
    `SELECT ohlcv_bars.id::float8, (extract(epoch FROM ohlcv_bars.timestamp) * 1000)::float8,
            open, high, low, close, volume::float8
       FROM ohlcv_bars JOIN tickers ON tickers.id = ohlcv_bars.ticker_id
      WHERE tickers.symbol = $1 AND ohlcv_bars.timeframe = $2${range}
      ORDER BY ohlcv_bars.timestamp ASC${limit === undefined ? '' : ` LIMIT $${values.push(limit)}`}`,
    values,
  );
  const bars = allocateBars(rows.length);
  const barIds = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // every column is NOT NULL
    barIds[i] = row[0] as number;
    bars.time[i] = row[1] as number;
    bars.open[i] = row[2] as number;
    bars.high[i] = row[3] as number;
    bars.low[i] = row[4] as number;
    bars.close[i] = row[5] as number;
    bars.volume[i] = row[6] as number;
  }
  return { bars, barIds };
}
