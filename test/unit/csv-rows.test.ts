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
import { mulberry32 as prng } from '../../runtime/input/random.js';
import { ROW_FIELDS } from '../../runtime/engine/aggregate.js';
import { sideName } from '../../runtime/engine/justification.js';
import { tradeCount, unpackTrades } from '../../runtime/engine/trade-log.js';
import { EXIT_REASONS } from '../../runtime/engine/trade.js';
import { pyRepr } from '../../runtime/format/python.js';
import { csvField } from '../../runtime/input/csv.js';
import { ByteSink } from '../../runtime/output/byte-sink.js';
import { CsvRows } from '../../runtime/output/csv-rows.js';
import type { BarSeries } from '../../runtime/series/bar-series.js';
import type { CompiledStrategy } from '../../runtime/registry/compiled.js';
import { entryJustification, exitJustification } from '../support/justification-text.js';
import { STRATEGIES, rows, series, trades } from '../support/random-trades.js';

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
