import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars, loadBars } from '../../runtime/db/bars.js';
import { loadFeatures, storeFeatures } from '../../runtime/db/features.js';
import { initSchema } from '../../runtime/db/schema.js';
import { INDICATOR_COLUMNS } from '../../runtime/indicators/catalog.js';
import { computeIndicators } from '../../runtime/indicators/compute.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { syntheticBars } from '../../runtime/input/synthetic-bars.js';
import { probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

let db: TestDatabase;
const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url });
const BARS = readBarsCsv(join(PARITY_DIR, 'bars_1Hour.csv'));
const COLUMNS = [...INDICATOR_COLUMNS];

/** JSONB stores numbers as numeric, which has no negative zero: -0 comes back as 0. */
const unsignedZero = (values: Float64Array): number[] => Array.from(values, (v) => (v === 0 ? 0 : v));

beforeAll(async () => {
  db = await freshDatabase();
  await initSchema(db.pool);
  await importBars(db.pool, 'SYNTH', '1Hour', BARS);
  await importBars(db.pool, 'SYNTH', '1Day', readBarsCsv(join(PARITY_DIR, 'bars_1Day.csv')));
});

afterAll(async () => {
  await db?.drop();
});

describe('probe db compute-features', () => {
  it('stores all 74 columns, which load back identical to computing them, NaN included', async () => {
    const run = await probe(['db', 'compute-features', '--symbol', 'synth', '--timeframe', '1Hour'], env());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^SYNTH 1Hour: 74 feature columns of 2000 bars stored in computed_features/);

    const { bars, barIds } = await loadBars(db.pool, 'SYNTH', '1Hour');
    const features = await loadFeatures(db.pool, 'SYNTH', '1Hour', undefined, undefined, COLUMNS, barIds);
    expect(features).toBeDefined();
    const expected = computeIndicators(BARS, COLUMNS);
    expect([...features!.keys()]).toEqual(COLUMNS);
    let nans = 0;
    for (const column of COLUMNS) {
      const loaded = features!.get(column)!;
      expect(loaded.buffer, column).toBeInstanceOf(SharedArrayBuffer);
      expect(unsignedZero(loaded), column).toEqual(unsignedZero(expected.get(column)!));
      nans += expected.get(column)!.filter(Number.isNaN).length;
    }
    expect(nans).toBeGreaterThan(0); // warm-up periods: the NaN path is exercised
    expect(bars.length).toBe(2000);
  });

  it('writes documents like the Python system: NaN keys left out, numbers as JSON numbers, no feature_version', async () => {
    const { rows } = await db.pool.query<{ bar_id: number; features: Record<string, unknown>; feature_version: string | null; same_time: boolean; types: string[] }>(
      `SELECT cf.bar_id, cf.features, cf.feature_version, cf.timestamp = ob.timestamp AS same_time,
              (SELECT array_agg(DISTINCT jsonb_typeof(v)) FROM jsonb_each(cf.features) AS e(k, v)) AS types
         FROM computed_features cf JOIN ohlcv_bars ob ON ob.id = cf.bar_id ORDER BY ob.timestamp`,
    );
    expect(rows).toHaveLength(2000);
    const expected = computeIndicators(BARS, COLUMNS);
    rows.forEach((row, i) => {
      const finite = COLUMNS.filter((c) => Number.isFinite(expected.get(c)![i]!));
      expect(Object.keys(row.features).sort()).toEqual(finite.sort());
      expect(row.types).toEqual(['number']);
      expect(row.feature_version).toBeNull();
      expect(row.same_time).toBe(true);
    });
    // the first bar has warm-up gaps, the last has every column
    expect(Object.keys(rows[0]!.features)).not.toContain('rsi_14');
    expect(Object.keys(rows[1999]!.features)).toHaveLength(74);
  });

  it('replaces the rows of a second computation instead of adding to them', async () => {
    const before = await db.pool.query('SELECT id, bar_id FROM computed_features ORDER BY id');
    await db.pool.query(`UPDATE computed_features SET features = '{}', feature_version = 'old'`);
    const run = await probe(['db', 'compute-features', '--symbol', 'SYNTH', '--timeframe', '1Hour'], env());
    expect(run.status).toBe(0);
    expect((await db.pool.query('SELECT id, bar_id FROM computed_features ORDER BY id')).rows).toEqual(before.rows);
    const stale = await db.pool.query(`SELECT count(*)::int AS n FROM computed_features WHERE features = '{}' OR feature_version IS NOT NULL`);
    expect(stale.rows[0]).toEqual({ n: 0 });
  });

  it('gives undefined when the stored features cannot be used', async () => {
    const hour = await loadBars(db.pool, 'SYNTH', '1Hour');
    // a column no row has
    expect(await loadFeatures(db.pool, 'SYNTH', '1Hour', undefined, undefined, ['rsi_14', 'not_a_feature'], hour.barIds)).toBeUndefined();
    // bars without any features row
    const day = await loadBars(db.pool, 'SYNTH', '1Day');
    expect(day.bars.length).toBe(1500);
    expect(await loadFeatures(db.pool, 'SYNTH', '1Day', undefined, undefined, ['rsi_14'], day.barIds)).toBeUndefined();
    // one bar of the range lacking its row
    const ranged = await loadBars(db.pool, 'SYNTH', '1Hour', hour.bars.time[10], hour.bars.time[59]);
    await db.pool.query('DELETE FROM computed_features WHERE bar_id = $1', [ranged.barIds[20]]);
    try {
      expect(await loadFeatures(db.pool, 'SYNTH', '1Hour', hour.bars.time[10], hour.bars.time[59], ['rsi_14'], ranged.barIds)).toBeUndefined();
      // a range without that bar is still served
      const later = await loadBars(db.pool, 'SYNTH', '1Hour', hour.bars.time[40]);
      const served = await loadFeatures(db.pool, 'SYNTH', '1Hour', hour.bars.time[40], undefined, ['rsi_14', 'sar'], later.barIds);
      expect(served).toBeDefined();
      expect(served!.get('rsi_14')).toHaveLength(1960);
      // aliases read their column
      expect(served!.get('sar')).toEqual(computeIndicators(BARS, ['psar']).get('psar')!.slice(40));
    } finally {
      const columns = computeIndicators(BARS, COLUMNS);
      await storeFeatures(db.pool, 'SYNTH', '1Hour', hour.barIds, hour.bars, columns);
    }
  });

  it('refuses bar ids that are not bars of the symbol and timeframe, storing nothing', async () => {
    const day = await loadBars(db.pool, 'SYNTH', '1Day');
    const hour = await loadBars(db.pool, 'SYNTH', '1Hour');
    const ids = Float64Array.from(day.barIds);
    ids[3] = hour.barIds[3]!;
    await expect(storeFeatures(db.pool, 'SYNTH', '1Day', ids, day.bars, computeIndicators(day.bars, ['rsi_14']))).rejects.toThrow(
      /1 of 1500 bar ids are not bars of SYNTH 1Day/,
    );
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM computed_features WHERE timeframe = '1Day'`)).rows[0]).toEqual({ n: 0 });
  });

  it('names an unknown symbol and a timeframe without bars', async () => {
    const unknown = await probe(['db', 'compute-features', '--symbol', 'NOPE', '--timeframe', '1Hour'], env());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --symbol: unknown symbol NOPE: no such ticker in .* \(import bars first: probe db import-bars\)\n$/);
    const empty = await probe(['db', 'compute-features', '--symbol', 'SYNTH', '--timeframe', '15Min'], env());
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/^error: no SYNTH 15Min bars in .* \(import them first: probe db import-bars\)\n$/);
  });

  it('stores and loads the features of 10,000 bars quickly', async () => {
    const bars = syntheticBars('15Min', 10_000, 3);
    await importBars(db.pool, 'FAST', '15Min', bars);
    const { barIds } = await loadBars(db.pool, 'FAST', '15Min');
    const columns = computeIndicators(bars, COLUMNS);
    let started = performance.now();
    expect(await storeFeatures(db.pool, 'FAST', '15Min', barIds, bars, columns)).toBe(10_000);
    const storeMs = performance.now() - started;
    started = performance.now();
    const loaded = await loadFeatures(db.pool, 'FAST', '15Min', undefined, undefined, COLUMNS, barIds);
    const loadAllMs = performance.now() - started;
    started = performance.now();
    await loadFeatures(db.pool, 'FAST', '15Min', undefined, undefined, ['atr_14', 'ema_20', 'rsi_14', 'sma_50', 'bb_upper', 'bb_lower', 'adx_14', 'macd'], barIds);
    const loadSomeMs = performance.now() - started;
    expect(unsignedZero(loaded!.get('macd')!)).toEqual(unsignedZero(columns.get('macd')!));
    console.log(`10,000 bars x 74 features: store ${storeMs.toFixed(0)} ms, load all ${loadAllMs.toFixed(0)} ms, load 8 columns ${loadSomeMs.toFixed(0)} ms`);
    expect(storeMs).toBeLessThan(10_000);
    expect(loadAllMs).toBeLessThan(5_000);
  });
});
