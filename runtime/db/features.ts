import type { Pool } from 'pg';
import { InputError } from '../errors.js';
import type { Bars } from '../series/bars.js';
import { newColumn } from '../series/column.js';
import { canonicalColumn } from '../indicators/catalog.js';
import { type TimeBound, arrayRows, normalizeSymbol, rangeSql, tickerId } from './bars.js';
import { checkout } from './connect.js';
import { copyRows } from './copy.js';

/**
 * One computed_features document as the Python system writes it: every
 * finite value under its column name, NaN and infinities left out (JSON
 * has no spelling for them), numbers in their shortest round-trip form.
 * JSONB keeps that decimal exactly, so the double reads back unchanged
 * (except -0, which JSONB's numeric stores as 0).
 */
function featureDocuments(columns: ReadonlyMap<string, Float64Array>): (index: number) => string {
  const keys = [...columns.keys()].map((name) => `${JSON.stringify(name)}:`);
  const values = [...columns.values()];
  return (i) => {
    let doc = '';
    for (let k = 0; k < values.length; k++) {
      const v = values[k]![i]!;
      if (Number.isFinite(v)) doc += `${doc === '' ? '{' : ','}${keys[k]}${v}`;
    }
    return doc === '' ? '{}' : `${doc}}`;
  };
}

/**
 * Upserts one computed_features row per bar (features JSONB, feature_version
 * NULL), replacing what a previous computation stored for the same bar, as
 * OHLCVRepository.store_features does. COPY into a temporary table, then one
 * INSERT ... SELECT joined to ohlcv_bars: a bar id that is not a bar of
 * (symbol, timeframe) at that time rolls everything back.
 * Returns the number of rows stored.
 */
export async function storeFeatures(
  pool: Pool,
  symbol: string,
  timeframe: string,
  barIds: ArrayLike<number>,
  bars: Bars,
  columns: ReadonlyMap<string, Float64Array>,
): Promise<number> {
  if (barIds.length !== bars.length) throw new Error(`storeFeatures: ${barIds.length} bar ids for ${bars.length} bars`);
  for (const [name, column] of columns) {
    if (column.length !== bars.length) throw new Error(`storeFeatures: column ${name} has ${column.length} values for ${bars.length} bars`);
  }
  const ticker = await tickerId(pool, symbol);
  if (ticker === undefined) throw new InputError([`unknown symbol ${normalizeSymbol(symbol)}: no such ticker in the database`]);
  const client = await checkout(pool);
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE probe_import_features (bar_id BIGINT, timestamp TIMESTAMPTZ, features JSONB) ON COMMIT DROP');
    const document = featureDocuments(columns);
    const rows = (function* () {
      for (let i = 0; i < bars.length; i++) yield [barIds[i]!, new Date(bars.time[i]!).toISOString(), document(i)];
    })();
    await copyRows(client, 'probe_import_features', ['bar_id', 'timestamp', 'features'], rows);
    const result = await client.query(
      `INSERT INTO computed_features (bar_id, ticker_id, timeframe, timestamp, features, feature_version)
       SELECT s.bar_id, $1, $2, s.timestamp, s.features, NULL
         FROM probe_import_features s
         JOIN ohlcv_bars ob ON ob.id = s.bar_id AND ob.ticker_id = $1 AND ob.timeframe = $2 AND ob.timestamp = s.timestamp
       ON CONFLICT (bar_id) DO UPDATE SET
         features = EXCLUDED.features, feature_version = EXCLUDED.feature_version, timestamp = EXCLUDED.timestamp`,
      [ticker, timeframe],
    );
    const stored = result.rowCount ?? 0;
    if (stored !== bars.length) {
      throw new Error(`storeFeatures: ${bars.length - stored} of ${bars.length} bar ids are not bars of ${normalizeSymbol(symbol)} ${timeframe} at the given times`);
    }
    await client.query('COMMIT');
    return stored;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The stored features of (symbol, timeframe) in [start, end], as columns
 * keyed by the names in `wanted` and aligned to `barIds` (from loadBars
 * over the same range), NaN where a document lacks the key (the Python
 * system leaves NaN out).
 *
 * Whole documents are fetched and parsed here: extracting keys in SQL
 * (`features -> 'rsi_14'`, once per key) decompresses the document once per
 * key, which for 74 keys of 10,000 bars took 6.6 s against 0.3 s.
 *
 * Returns undefined when the stored features cannot stand in for computing
 * them: a bar without a features row, or a wanted column found in no row
 * (features stored by another version of the calculator).
 */
export async function loadFeatures(
  pool: Pool,
  symbol: string,
  timeframe: string,
  start: TimeBound | undefined,
  end: TimeBound | undefined,
  wanted: readonly string[],
  barIds: ArrayLike<number>,
): Promise<Map<string, Float64Array> | undefined> {
  const names = [...new Set(wanted)];
  // documents hold the calculator's names; an alias (sar, apo_12_26, ...) reads its column
  const keys = names.map((name) => canonicalColumn(name) ?? name);
  const values: unknown[] = [normalizeSymbol(symbol), timeframe];
  const rows = await arrayRows(
    pool,
    `SELECT cf.bar_id::float8, cf.features
       FROM computed_features cf
       JOIN ohlcv_bars ob ON ob.id = cf.bar_id
       JOIN tickers t ON t.id = ob.ticker_id
      WHERE t.symbol = $1 AND ob.timeframe = $2${rangeSql('ob.timestamp', start, end, values)}
      ORDER BY ob.timestamp ASC`,
    values,
  );
  const position = new Map<number, number>();
  for (let i = 0; i < barIds.length; i++) position.set(barIds[i]!, i);
  const columns = names.map(() => newColumn(barIds.length));
  const present = new Uint8Array(barIds.length);
  const appears = new Uint8Array(names.length);
  for (const [id, features] of rows) {
    const i = position.get(id as number);
    if (i === undefined) continue; // a bar stored after loadBars ran
    present[i] = 1;
    const document = features as Record<string, unknown>;
    for (let k = 0; k < keys.length; k++) {
      const v = document[keys[k]!];
      // neither system writes anything but numbers; anything else reads as absent
      if (typeof v !== 'number') continue;
      columns[k]![i] = v;
      appears[k] = 1;
    }
  }
  if (present.includes(0) || appears.includes(0)) return undefined;
  return new Map(names.map((name, k) => [name, columns[k]!]));
}
