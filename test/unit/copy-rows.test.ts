/**
 * CopyRows writes strategy_probe_results rows and staged trades in
 * PostgreSQL's COPY text format, field by field into a ByteSink. The
 * reference here is the plain way, built independently of the writers: each
 * line one template string, fields joined by tabs, text escaped by the
 * test's own escaping, doubles as float8 text from pyRepr, timestamps from
 * Date#toISOString, justifications from the reference's string functions.
 * Both must agree byte for byte on every kind of trade and row (see
 * csv-rows.test.ts for the inputs) and on names, profiles, symbols and run
 * ids holding tabs, backslashes, newlines, quotes and non-ASCII text.
 */
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ROW_FIELDS } from '../../runtime/engine/aggregate.js';
import { tradeCount, unpackTrades } from '../../runtime/engine/trade-log.js';
import { pyRepr } from '../../runtime/format/python.js';
import { ByteSink } from '../../runtime/output/byte-sink.js';
import {
  type CopyContext, CopyRows, RESULT_COPY_COLUMNS, type StoredStrategy, TRADE_STAGING_COLUMNS,
} from '../../runtime/output/copy-rows.js';
import type { BarSeries } from '../../runtime/series/bar-series.js';
import type { CompiledStrategy } from '../../runtime/registry/compiled.js';
import { mulberry32 as prng } from '../../runtime/input/random.js';
import { entryJustification, exitJustification } from '../support/justification-text.js';
import { BARS, STRATEGIES, YEAR_10000, rows, series, strategy, trades } from '../support/random-trades.js';

// ---------------------------------------------------------------------------
// The reference: one template string per line

const DAY_MS = 86_400_000;

/** A COPY text field, escaped character by character: backslash, tab, newline and carriage return. */
function copyText(text: string): string {
  let out = '';
  for (const c of text) {
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else out += c;
  }
  return out;
}

/** A double as float8 input text: PostgreSQL's spellings of NaN and the infinities, else Python's repr. */
const float8 = (x: number): string =>
  Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : pyRepr(x);

/** A bar's timestamp: without milliseconds when it is on a whole second, with them otherwise. */
function stamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return epochMs % 1000 === 0 ? `${iso.slice(0, -5)}Z` : iso;
}

/** `YYYY-MM-DD` of a day number (days since the epoch, UTC). */
const isoDay = (days: number): string => new Date(days * DAY_MS).toISOString().slice(0, 10);

const direction = (side: number): string => (side === 1 ? 'short' : 'long');

function referenceResults(context: CopyContext, stored: StoredStrategy, profile: string, packed: Float64Array): string {
  let text = '';
  for (let o = 0; o < packed.length; o += ROW_FIELDS) {
    const fields = [
      copyText(context.runId), copyText(context.symbol.toUpperCase()), `${stored.id}`, `${stored.version}`,
      new Date(context.periodStart).toISOString(), new Date(context.periodEnd).toISOString(), copyText(context.timeframe),
      copyText(profile), isoDay(packed[o]!), `${packed[o + 1]}`, direction(packed[o + 2]!), `${packed[o + 3]}`,
      float8(packed[o + 4]!), float8(packed[o + 5]!), float8(packed[o + 6]!), float8(packed[o + 7]!),
    ];
    text += `${fields.join('\t')}\n`;
  }
  return text;
}

function referenceTrades(
  context: CopyContext, bars: BarSeries, stored: StoredStrategy, strategy: CompiledStrategy, profile: string, packed: Float64Array,
): string {
  const close = bars.columns.close!;
  let text = '';
  for (const t of unpackTrades(packed)) {
    // the result row's key: the UTC day and hour the trade was opened in
    const opened = new Date(bars.time[t.entryIndex]!);
    const fields = [
      copyText(context.symbol.toUpperCase()), `${stored.id}`, copyText(context.timeframe), copyText(profile),
      opened.toISOString().slice(0, 10), `${opened.getUTCHours()}`, direction(t.side),
      stamp(bars.time[t.entryIndex]!), stamp(bars.time[t.exitIndex]!),
      copyText(entryJustification(t, strategy, profile, bars)), copyText(exitJustification(t, close[t.exitIndex]!)),
      float8(t.pnlPct * t.entryPrice), float8(t.pnlPct), `${t.barsHeld}`,
      float8(t.maxDrawdownPct), float8(t.maxProfitPct), float8(t.pnlStd),
    ];
    text += `${fields.join('\t')}\n`;
  }
  return text;
}

// ---------------------------------------------------------------------------
// Inputs: those of csv-rows.test.ts, with times PostgreSQL can store

/** 0001-01-01T00:00:00Z, the first instant of the first year PostgreSQL's input reads as AD. */
const YEAR_1 = -62_135_596_800_000;

/**
 * series() with its bars kept in years 0001..9999, and some bars off a whole
 * second. Outside those years Date#toISOString writes expanded years
 * ('+010000-01-01T…', '-000001-12-31T…') that PostgreSQL's timestamptz and
 * date input do not read (it spells them '10000-01-01…' and '… BC'), and year
 * 0000 is 1 BC to it, which it rejects in that spelling: such a bar could not
 * be stored through COPY whatever CopyRows wrote for it.
 */
function storableSeries(random: () => number): BarSeries {
  const bars = series(random);
  const time = bars.time as Float64Array;
  // milliseconds on some bars (bars are at least 15 minutes apart, so they stay in order)
  for (let i = 3; i < BARS - 4; i += 7) time[i] = time[i]! + 1 + ((i * 37) % 999);
  time[BARS - 4] = YEAR_10000 - 1000; // 9999-12-31T23:59:59Z
  time[BARS - 3] = -1; // 1969-12-31T23:59:59.999Z: before the epoch, off a second
  time[BARS - 2] = YEAR_10000 - 1; // 9999-12-31T23:59:59.999Z
  time[BARS - 1] = YEAR_1;
  return bars;
}

/** rows() with the days past year 9999 moved to the last days of 9999 and the first days of year 1. */
function storableRows(random: () => number, count: number): Float64Array {
  const packed = rows(random, count);
  const lastDay = YEAR_10000 / DAY_MS - 1;
  for (let o = 0; o < packed.length; o += ROW_FIELDS) {
    const day = packed[o]!;
    if (day > lastDay) packed[o] = day % 2 === 0 ? day - 10 : YEAR_1 / DAY_MS + (day - lastDay);
  }
  return packed;
}

/** Every escape in the display name and the indicator labels. */
const ESCAPES = strategy(6, 'escapes', 'Tab\there, back\\slash\\, "q" ✓\r\nnext', ['t\tab', 'back\\', 'n\nl\r'], ['ema_20', 'ema_50', 'sparse']);
const ALL_STRATEGIES = [...STRATEGIES, ESCAPES];
const PROFILES = ['low', 'medium', 'hïgh "x"\t\\y', 'line\nbreak\r'];

const stored = (s: CompiledStrategy): StoredStrategy => ({ id: 1000 + 7 * s.id, version: 1 + (s.id % 3) });

function context(seed: number): CopyContext {
  return {
    runId: seed === 1 ? '3f0c2a9e-0000-4000-8000-000000000001' : `run\\${seed}\\N`,
    symbol: seed === 2 ? 'we\\ird\tsym' : seed === 3 ? 'ünï\\cøde' : 'synth',
    timeframe: seed === 3 ? '15\tMin\\' : '15Min',
    periodStart: Date.UTC(2023, 0, 1),
    periodEnd: seed === 4 ? Date.UTC(2024, 5, 30, 23, 59, 59, 999) : Date.UTC(2024, 5, 30),
  };
}

const newlines = (text: string): number => text.split('\n').length - 1;

describe('CopyRows writes the same bytes as the line templates', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: results and trades of every strategy and profile', (seed) => {
    const random = prng(seed);
    const bars = storableSeries(random);
    const ctx = context(seed);
    const copy = new CopyRows(ctx, bars);
    const sink = new ByteSink();
    const whole = new ByteSink();
    let expectedTrades = '';
    let expectedWhole = '';
    let rowCount = 0;
    let tradeTotal = 0;
    for (const s of ALL_STRATEGIES) {
      for (const profile of PROFILES) {
        const packedTrades = trades(random, Math.floor(random() * 60));
        const packedRows = storableRows(random, Math.floor(random() * 40));

        copy.results(stored(s), profile, packedRows, sink);
        const results = sink.takeText();
        const expected = referenceResults(ctx, stored(s), profile, packedRows);
        expect(results).toBe(expected);
        expect(newlines(results)).toBe(packedRows.length / ROW_FIELDS);
        for (const line of results.split('\n').slice(0, -1)) expect(line.split('\t')).toHaveLength(RESULT_COPY_COLUMNS.length);
        rowCount += packedRows.length / ROW_FIELDS;

        copy.trades(stored(s), s, profile, packedTrades, sink);
        const staged = sink.takeText();
        const expectedStaged = referenceTrades(ctx, bars, stored(s), s, profile, packedTrades);
        expect(staged).toBe(expectedStaged);
        expect(newlines(staged)).toBe(tradeCount(packedTrades));
        for (const line of staged.split('\n').slice(0, -1)) expect(line.split('\t')).toHaveLength(TRADE_STAGING_COLUMNS.length);
        expectedTrades += expectedStaged;
        expectedWhole += expected + expectedStaged;
        tradeTotal += tradeCount(packedTrades);

        // the same again into one sink that grows, taken as bytes at the end
        copy.results(stored(s), profile, packedRows, whole);
        copy.trades(stored(s), s, profile, packedTrades, whole);
      }
    }
    expect(tradeTotal).toBeGreaterThan(300);
    expect(rowCount).toBeGreaterThan(200);
    // the bars off a whole second and the edges of years 1 and 9999 were written
    expect(expectedTrades).toMatch(/\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t/);
    expect(expectedTrades).toContain('9999-12-31T23:59:59.999Z');
    expect(expectedTrades).toContain('0001-01-01T00:00:00Z');

    const bytes = whole.take();
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
    expect(text).toBe(expectedWhole);
    expect(newlines(text)).toBe(rowCount + tradeTotal);
  });
});
