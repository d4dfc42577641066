/**
 * CsvRows writes trades.csv and results.csv lines field by field into a
 * ByteSink. The reference for its output is the plain way: each line as one
 * template string of pyRepr, isoSeconds, csvField(entryJustification(...))
 * and so on, encoded as UTF-8. The two must agree byte for byte on every kind
 * of trade and row: both sides, every exit reason, stop/target/trailing
 * values present or not (NaN), time limit or None, snapshot values missing
 * (NaN, an absent column), numbers in and out of the byte writers' fast
 * ranges (zeros, -0, tiny, huge, nan), times outside years 0000..9999, and
 * names with commas, quotes and non-ASCII text.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 as prng } from '../../runtime/synthetic/random.js';
import { ROW_FIELDS } from '../../runtime/aggregate/aggregate.js';
import { entryJustification, exitJustification, sideName } from '../../runtime/engine/justification.js';
import { TRADE_FIELDS, tradeCount, unpackTrades } from '../../runtime/engine/trade-log.js';
import { EXIT_REASONS } from '../../runtime/engine/trade.js';
import { pyRepr } from '../../runtime/format/python.js';
import { csvField } from '../../runtime/io/csv.js';
import { ByteSink } from '../../runtime/output/byte-sink.js';
import { CsvRows } from '../../runtime/output/csv-rows.js';
import type { BarSeries } from '../../runtime/strategy/bar-series.js';
import type { CompiledStrategy } from '../../runtime/strategy/compiled.js';

// ---------------------------------------------------------------------------
// The reference: one template string per line, as the lines were built before,
// with Date's own ISO formatting

const isoSeconds = (epochMs: number): string => `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
const isoDay = (days: number): string => new Date(days * 86_400_000).toISOString().slice(0, 10);

function referenceTrades(symbol: string, timeframe: string, series: BarSeries, strategy: CompiledStrategy, profile: string, packed: Float64Array): string {
  const prefix = `${csvField(symbol)},${csvField(timeframe)},${strategy.id},${csvField(strategy.name)},${csvField(profile)},`;
  const close = series.columns.close!;
  let text = '';
  for (const t of unpackTrades(packed)) {
    text +=
      `${prefix}${sideName(t.side)},${isoSeconds(series.time[t.entryIndex]!)},${isoSeconds(series.time[t.exitIndex]!)},` +
      `${pyRepr(t.entryPrice)},${pyRepr(t.exitPrice)},${pyRepr(t.pnlPct)},${t.barsHeld},` +
      `${pyRepr(t.maxDrawdownPct)},${pyRepr(t.maxProfitPct)},${pyRepr(t.pnlStd)},${EXIT_REASONS[t.exitReason]},` +
      `${csvField(entryJustification(t, strategy, profile, series))},` +
      `${csvField(exitJustification(t, close[t.exitIndex]!))}\r\n`;
  }
  return text;
}

function referenceResults(symbol: string, timeframe: string, strategy: CompiledStrategy, profile: string, packed: Float64Array): string {
  const prefix = `${csvField(symbol.toUpperCase())},${csvField(timeframe)},${strategy.id},${csvField(profile)},`;
  let text = '';
  for (let o = 0; o < packed.length; o += ROW_FIELDS) {
    text +=
      `${prefix}${isoDay(packed[o]!)},${packed[o + 1]},${sideName(packed[o + 2]!)},${packed[o + 3]},` +
      `${pyRepr(packed[o + 4]!)},${pyRepr(packed[o + 5]!)},${pyRepr(packed[o + 6]!)},${pyRepr(packed[o + 7]!)}\r\n`;
  }
  return text;
}

// ---------------------------------------------------------------------------
// Random inputs


const BARS = 400;
const YEAR_10000 = 253_402_300_800_000;

function strategy(id: number, name: string, displayName: string, labels: readonly string[], columns: readonly string[]): CompiledStrategy {
  const none = (): void => {};
  return {
    id, name, displayName, version: 1, category: 'trend', philosophy: '', details: {}, direction: 'long_short',
    exits: { atrStopMult: 1.5, atrTargetMult: 3, trailingAtrMult: 2, timeStopBars: 20 },
    requiredIndicators: labels, requiredColumns: columns, columns: [...columns, 'atr_14'],
    entryLong: none, entryShort: none, exitLong: none, exitShort: none,
  };
}

const STRATEGIES: readonly CompiledStrategy[] = [
  strategy(1, 'ema20_ema50_trend_cross', 'EMA20/EMA50 Trend Cross', ['ema_20', 'ema_50', 'atr_14'], ['ema_20', 'ema_50', 'atr_14']),
  strategy(2, 'quoted,"name"', 'Say "cheese", then étoile ✓', ['lab"el', 'ünïcode', 'gone', 'atr_14'], ['ema_20', 'sparse', 'missing', 'atr_14']),
  strategy(3, 'many', 'Eight Labels', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['ema_20', 'ema_50', 'sparse', 'atr_14', 'ema_20', 'ema_50', 'atr_14', 'ema_20']),
  strategy(4, 'none', 'No Snapshot', [], []),
  strategy(5, 'all_nan', 'Nothing Finite', ['x', 'y'], ['sparse', 'missing']),
];

function series(random: () => number): BarSeries {
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
function number(random: () => number): number {
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

function trades(random: () => number, count: number): Float64Array {
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

function rows(random: () => number, count: number): Float64Array {
  const packed = new Float64Array(count * ROW_FIELDS);
  for (let k = 0; k < count; k++) {
    const day = random() < 0.02 ? 2_932_897 + Math.floor(random() * 10) : 19_000 + Math.floor(random() * 2000);
    packed.set([day, Math.floor(random() * 24), random() < 0.5 ? 0 : 1, 1 + Math.floor(random() * 5), number(random), number(random), number(random), number(random)], k * ROW_FIELDS);
  }
  return packed;
}

describe('CsvRows writes the same bytes as the line templates', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: trades and results of every strategy and profile', (seed) => {
    const random = prng(seed);
    const bars = series(random);
    const symbol = seed === 2 ? 'we,ird"sym' : 'synth';
    const timeframe = seed === 3 ? '15 Min, "odd"' : '15Min';
    const csv = new CsvRows(symbol, timeframe, bars);
    const sink = new ByteSink();
    let expectedTrades = '';
    let expectedResults = '';
    let lines = 0;
    for (const s of STRATEGIES) {
      for (const profile of ['low', 'medium', 'hïgh "x"']) {
        const packedTrades = trades(random, Math.floor(random() * 60));
        const packedRows = rows(random, Math.floor(random() * 40));
        csv.trades(s, profile, packedTrades, sink);
        expectedTrades += referenceTrades(symbol, timeframe, bars, s, profile, packedTrades);
        lines += tradeCount(packedTrades);
        const tradeText = sink.takeText();
        expect(tradeText).toBe(referenceTrades(symbol, timeframe, bars, s, profile, packedTrades));
        csv.results(s, profile, packedRows, sink);
        expectedResults += referenceResults(symbol, timeframe, s, profile, packedRows);
        expect(sink.takeText()).toBe(referenceResults(symbol, timeframe, s, profile, packedRows));
      }
    }
    expect(lines).toBeGreaterThan(300);

    // the same once more into one sink, taken as bytes: growing, chunk overshoot and take() in between
    const again = new ByteSink();
    const parts: Uint8Array[] = [];
    const random2 = prng(seed);
    series(random2);
    for (const s of STRATEGIES) {
      for (const profile of ['low', 'medium', 'hïgh "x"']) {
        const packedTrades = trades(random2, Math.floor(random2() * 60));
        const packedRows = rows(random2, Math.floor(random2() * 40));
        csv.trades(s, profile, packedTrades, again);
        parts.push(again.take());
        csv.results(s, profile, packedRows, again);
        parts.push(again.take());
      }
    }
    const decoded = parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length).toString('utf8'));
    expect(decoded.filter((_, k) => k % 2 === 0).join('')).toBe(expectedTrades);
    expect(decoded.filter((_, k) => k % 2 === 1).join('')).toBe(expectedResults);
  });
});
