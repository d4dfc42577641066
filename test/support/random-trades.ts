/**
 * Random inputs for the output writers' tests (CsvRows, CopyRows): a bar
 * series with indicator columns that are sometimes NaN, infinite or absent,
 * strategies whose names and labels need escaping, and packed trades and
 * result rows whose numbers are of every kind the formatters treat
 * differently. Everything is drawn from the `random` passed in, so a seed
 * gives the same inputs every time.
 */
import { ROW_FIELDS } from '../../runtime/engine/aggregate.js';
import { TRADE_FIELDS } from '../../runtime/engine/trade-log.js';
import { EXIT_REASONS } from '../../runtime/engine/trade.js';
import type { BarSeries } from '../../runtime/series/bar-series.js';
import type { CompiledStrategy } from '../../runtime/registry/compiled.js';

export const BARS = 400;
export const YEAR_10000 = 253_402_300_800_000;

export function strategy(id: number, name: string, displayName: string, labels: readonly string[], columns: readonly string[]): CompiledStrategy {
  const none = (): void => {};
  return {
    id, name, displayName, version: 1, category: 'trend', philosophy: '', details: {}, direction: 'long_short',
    exits: { atrStopMult: 1.5, atrTargetMult: 3, trailingAtrMult: 2, timeStopBars: 20 },
    requiredIndicators: labels, requiredColumns: columns, columns: [...columns, 'atr_14'],
    entryLong: none, entryShort: none, exitLong: none, exitShort: none,
  };
}

export const STRATEGIES: readonly CompiledStrategy[] = [
  strategy(1, 'ema20_ema50_trend_cross', 'EMA20/EMA50 Trend Cross', ['ema_20', 'ema_50', 'atr_14'], ['ema_20', 'ema_50', 'atr_14']),
  strategy(2, 'quoted,"name"', 'Say "cheese", then étoile ✓', ['lab"el', 'ünïcode', 'gone', 'atr_14'], ['ema_20', 'sparse', 'missing', 'atr_14']),
  strategy(3, 'many', 'Eight Labels', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['ema_20', 'ema_50', 'sparse', 'atr_14', 'ema_20', 'ema_50', 'atr_14', 'ema_20']),
  strategy(4, 'none', 'No Snapshot', [], []),
  strategy(5, 'all_nan', 'Nothing Finite', ['x', 'y'], ['sparse', 'missing']),
];

export function series(random: () => number): BarSeries {
  const time = new Float64Array(BARS);
  const close = new Float64Array(BARS);
  const ema20 = new Float64Array(BARS);
  const ema50 = new Float64Array(BARS);
  const atr = new Float64Array(BARS);
  const sparse = new Float64Array(BARS);
  let t = Date.UTC(2023, 0, 9, 14, 30);
  for (let i = 0; i < BARS; i++) {
    t += 900_000 * (1 + Math.floor(random() * 100));
    time[i] = t;
    close[i] = Math.round((50 + random() * 100) * 1e4) / 1e4;
    ema20[i] = close[i]! * (1 + (random() - 0.5) / 50);
    ema50[i] = random() < 0.05 ? Number.NaN : close[i]! * (1 + (random() - 0.5) / 20);
    atr[i] = random() < 0.02 ? 0 : random() * 3;
    sparse[i] = random() < 0.5 ? Number.NaN : random() < 0.1 ? Infinity : -random() * 1e6;
  }
  // bars whose times fall outside years 0000..9999, where the fast formatters hand over to Date
  time[BARS - 2] = YEAR_10000 + 3_600_000;
  time[BARS - 1] = -62_167_219_200_000 - 86_400_000;
  return { length: BARS, time, columns: { close, ema_20: ema20, ema_50: ema50, atr_14: atr, sparse } };
}

/** Numbers of every kind the formatters treat differently. */
export function number(random: () => number): number {
  const r = random();
  if (r < 0.3) return Math.round((50 + random() * 100) * 1e4) / 1e4; // a price
  if (r < 0.55) return (random() - 0.5) * 0.05; // a ratio
  if (r < 0.6) return 0;
  if (r < 0.62) return -0;
  if (r < 0.67) return (random() - 0.5) * 1e-6; // repr with an exponent
  if (r < 0.7) return (random() - 0.5) * 1e13; // beyond the fast path of .4f
  if (r < 0.71) return random() < 0.5 ? Number.NaN : -Infinity;
  if (r < 0.8) return Math.round(random() * 1000) / 100;
  return (random() - 0.5) * 200;
}

export function trades(random: () => number, count: number): Float64Array {
  const packed = new Float64Array(count * TRADE_FIELDS);
  for (let k = 0; k < count; k++) {
    const o = k * TRADE_FIELDS;
    const entry = Math.floor(random() * BARS);
    const reason = Math.floor(random() * EXIT_REASONS.length);
    packed.set(
      [
        random() < 0.5 ? 0 : 1, entry, Math.min(BARS - 1, entry + Math.floor(random() * 30)), number(random), number(random),
        number(random), Math.floor(random() * 40), number(random), number(random), random() < 0.3 ? 0 : number(random), reason,
        random() < 0.05 ? 0 : Math.abs(number(random)),
        random() < 0.2 ? Number.NaN : number(random), random() < 0.2 ? Number.NaN : number(random),
        random() < 0.2 ? Number.NaN : number(random), random() < 0.3 ? Number.NaN : Math.floor(random() * 30),
      ],
      o,
    );
  }
  return packed;
}

export function rows(random: () => number, count: number): Float64Array {
  const packed = new Float64Array(count * ROW_FIELDS);
  for (let k = 0; k < count; k++) {
    const day = random() < 0.02 ? 2_932_897 + Math.floor(random() * 10) : 19_000 + Math.floor(random() * 2000);
    packed.set([day, Math.floor(random() * 24), random() < 0.5 ? 0 : 1, 1 + Math.floor(random() * 5), number(random), number(random), number(random), number(random)], k * ROW_FIELDS);
  }
  return packed;
}
