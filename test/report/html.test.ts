import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EXIT_REASONS } from '../../runtime/engine/trade.js';
import type { RiskProfileName } from '../../runtime/engine/risk-profiles.js';
import { buildReportHtml } from '../../runtime/report/html/build.js';
import { decodeBars, decodeTexts, decodeTrades, dequantiseColumn } from '../../runtime/report/html/codec.js';
import { minMaxDownsample } from '../../runtime/report/html/downsample.js';
import type { ChunkRef, ReportMeta } from '../../runtime/report/html/meta.js';
import { inlineSafe, pageScriptPath } from '../../runtime/report/html/page-script.js';
import type { Combo, ReportData, ReportSeries } from '../../runtime/report/model.js';
import { orderedTrades, summarize } from '../../runtime/report/summary.js';
import { SUMMARY_COLUMNS, summaryRecord } from '../../runtime/report/summary-csv.js';
import { registryEntry } from '../../runtime/registry/registry.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1, 0, 0); // a Monday

/** Bars every `step` ms from T0; prices a deterministic wiggle with awkward binary fractions. */
function series(timeframe: string, count: number, step: number): ReportSeries {
  const time = Float64Array.from({ length: count }, (_, i) => T0 + i * step);
  const close = Float64Array.from({ length: count }, (_, i) => 100 + Math.sin(i / 3) * 7.123456789 + i * 0.1);
  const open = Float64Array.from(close, (c, i) => (i === 0 ? c : close[i - 1]!));
  const high = Float64Array.from(close, (c, i) => Math.max(c, open[i]!) + 0.37);
  const low = Float64Array.from(close, (c, i) => Math.min(c, open[i]!) - 0.41);
  const volume = Float64Array.from({ length: count }, (_, i) => 1000 + ((i * 7919) % 500));
  const ema = Float64Array.from(close, (c, i) => (i < 5 ? NaN : c * 0.98 + 1e-9 * i));
  const rsi = Float64Array.from({ length: count }, (_, i) => (i < 3 ? NaN : 50 + 40 * Math.cos(i)));
  return { symbol: 'BENCH', timeframe, time, open, high, low, close, volume, indicators: new Map([['ema_20', ema], ['rsi_14', rsi], ['atr_14', new Float64Array(count).fill(1.25)]]) };
}

interface Trade {
  combo: number;
  side: 0 | 1;
  reason: number;
  entry: number;
  exit: number;
  entryPrice: number;
  exitPrice: number;
  barsHeld: number;
  texts: [string, string];
}

/**
 * A small run: two timeframes, two strategies, two profiles; trades
 * priced off the bars (as the engine does) and not (stops), one combination
 * with times between bars, one whose text holds a NUL byte, one without
 * trades, and justifications with names, signs, exponents and non-ASCII.
 */
function fixture(): ReportData {
  const hourly = series('1Hour', 60, HOUR);
  const daily = series('1Day', 25, 24 * HOUR);
  const all = [hourly, daily];
  const combos: Combo[] = [];
  for (const s of all) for (const id of [1, 2]) for (const profile of ['low', 'medium'] as RiskProfileName[]) combos.push({ symbol: 'BENCH', timeframe: s.timeframe, strategyId: id, strategyName: registryEntry(id)!.strategy.name, profile });
  const trades: Trade[] = [];
  const onBars = (combo: number, s: ReportSeries, e: number, x: number, side: 0 | 1, reason: number, stop: boolean, texts: [string, string]): void => {
    const entryPrice = s.open[e]!;
    const exitPrice = stop ? s.close[x]! * 0.99731 : s.close[x]!;
    trades.push({ combo, side, reason, entry: s.time[e]!, exit: s.time[x]!, entryPrice, exitPrice, barsHeld: x - e, texts });
  };
  onBars(0, hourly, 2, 5, 0, 0, false, ["Strategy 'EMA20/EMA50 Trend Cross' long entry at 98.1234 (ATR=0.2292, risk=low) [ema_20=41.6989, atr_14=0.2292]", 'Exit reason: signal_exit; exit_price=99.5, pnl=+1.40%']);
  onBars(0, hourly, 5, 9, 1, 1, true, ['short entry at 12. and .5 and 1e-5 and -3.25', 'Exit reason: stop_loss; stop at 7; pnl=-0.70% — größer']);
  // exits out of entry order: the second exits first
  onBars(0, hourly, 10, 30, 0, 4, false, ['a', '']);
  onBars(0, hourly, 12, 14, 1, 2, true, ['', 'x9 9x 9.9.9 123456789012345678901234567890']);
  onBars(1, hourly, 0, 59, 1, 3, true, ['whole run', 'to the last bar']);
  // combination 2: entry and exit between bars (times stored)
  trades.push({ combo: 2, side: 0, reason: 0, entry: hourly.time[3]! + 60_000, exit: hourly.time[7]! + 1, entryPrice: 101.5, exitPrice: 102.25, barsHeld: 4, texts: ['between bars 1', 'between bars 2'] });
  trades.push({ combo: 2, side: 1, reason: 1, entry: hourly.time[20]!, exit: hourly.time[21]!, entryPrice: 99, exitPrice: 98, barsHeld: 1, texts: ['on bars 1', 'on bars 2'] });
  // combination 3 has none; combination 4 (daily) holds a NUL in its text
  onBars(4, daily, 1, 3, 0, 0, false, ['nul \u0000 inside 42', 'fine 43']);
  onBars(4, daily, 3, 24, 1, 4, true, ['x', 'y']);
  onBars(7, daily, 0, 1, 0, 2, true, ['€ 1.5', '∑ 2.5']);

  const encoder = new TextEncoder();
  const pieces = trades.flatMap((t) => t.texts.map((s) => encoder.encode(s)));
  const textOffsets = new Uint32Array(pieces.length + 1);
  pieces.forEach((p, k) => (textOffsets[k + 1] = textOffsets[k]! + p.length));
  const text = new Uint8Array(textOffsets[pieces.length]!);
  pieces.forEach((p, k) => text.set(p, textOffsets[k]!));
  const pnl = trades.map((t) => (t.side === 0 ? (t.exitPrice - t.entryPrice) / t.entryPrice : (t.entryPrice - t.exitPrice) / t.entryPrice));
  // one pnl that is not the price move (costs, say): stored exactly all the same
  pnl[2] = pnl[2]! - 0.0001;
  return {
    run: {
      source: 'backtest',
      origin: '/tmp/out',
      runId: null,
      symbols: ['BENCH'],
      timeframes: ['1Hour', '1Day'],
      strategies: [1, 2],
      profiles: ['low', 'medium'],
      periodStart: T0,
      periodEnd: daily.time[24]!,
      barCounts: { 'BENCH 1Hour': 60, 'BENCH 1Day': 25 },
      probeVersion: '0.0.0-test',
      registryHash: 'deadbeef',
      verification: 'verified against the stored results </script><script>alert(1)</script> \u2028',
    },
    combos,
    trades: {
      count: trades.length,
      combo: Uint32Array.from(trades, (t) => t.combo),
      side: Uint8Array.from(trades, (t) => t.side),
      exitReason: Uint8Array.from(trades, (t) => t.reason),
      entryTime: Float64Array.from(trades, (t) => t.entry),
      exitTime: Float64Array.from(trades, (t) => t.exit),
      entryPrice: Float64Array.from(trades, (t) => t.entryPrice),
      exitPrice: Float64Array.from(trades, (t) => t.exitPrice),
      pnl: Float64Array.from(pnl),
      barsHeld: Int32Array.from(trades, (t) => t.barsHeld),
      text,
      textOffsets,
    },
    series: all,
  };
}

/** index.html's parts, read back the way the page does, with Node's gunzip. */
function readBack(html: string): { meta: ReportMeta; chunk: (ref: ChunkRef) => Uint8Array; script: string; markup: string } {
  const json = /<script type="application\/json" id="report-meta">([^<]*)<\/script>/.exec(html);
  const data = /<script type="application\/octet-stream" id="report-data">([A-Za-z0-9+/=]*)<\/script>/.exec(html);
  const script = /<script>([\s\S]*?)<\/script>/.exec(html);
  expect(json, 'the meta script').not.toBeNull();
  expect(data, 'the data script').not.toBeNull();
  expect(script, 'the page script').not.toBeNull();
  const base64 = data![1]!;
  const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
  return {
    meta: JSON.parse(json![1]!) as ReportMeta,
    chunk: (ref) => new Uint8Array(gunzipSync(Buffer.from(base64.slice(ref[0], ref[0] + ref[1]), 'base64'))).subarray(ref[2], ref[2] + ref[3]),
    script: script![1]!,
    markup,
  };
}

describe('index.html', () => {
  it('needs the page script that make build writes', () => {
    expect(existsSync(resolve(ROOT, 'dist/report-page.js')), 'dist/report-page.js: run make build').toBe(true);
    expect(() => pageScriptPath('/')).toThrow(/run make build/);
  });

  const data = fixture();
  const summary = summarize(data);
  const built = buildReportHtml(data, summary).then((b) => b.toString('utf8'));

  it('loads nothing from anywhere: no external src or href, no stylesheet link, no URL in the styles', async () => {
    const html = await built;
    const { markup, script } = readBack(html);
    expect(markup).not.toMatch(/\b(src|href)\s*=/i);
    expect(markup).not.toMatch(/<link\b|<iframe\b|<img\b|@import|url\(/i);
    expect(html.match(/<script\b[^>]*\bsrc\s*=/gi)).toBeNull();
    // the inlined libraries' code names two URLs (their licence comments name more): the SVG namespace and the
    // TradingView logo's link, which the page turns off (attributionLogo: false)
    const code = script.replace(/\/\*[\s\S]*?\*\//g, '');
    const urls = new Set(code.match(/https?:\/\/[^\s"'`)<>]+/g) ?? []);
    const allowed = [/^http:\/\/www\.w3\.org\/2000\/svg$/, /^https:\/\/www\.tradingview\.com\/\?utm_medium=lwc-link/];
    expect([...urls].filter((u) => !allowed.some((a) => a.test(u)))).toEqual([]);
    expect(script).toContain('attributionLogo:!1');
  });

  it('cannot be broken out of: JSON and script escape what would end their element', async () => {
    const html = await built;
    const { meta, script } = readBack(html);
    expect(meta.run.verification).toBe(data.run.verification);
    expect(html.match(/<\/script>/g)!.length).toBe(3);
    expect(script).not.toMatch(/<\/script|<!--/i);
    expect(html).not.toContain('\u2028');
    expect(inlineSafe('a="</script>";b="<!--";c="</SCRIPT "')).toBe('a="\\x3C/script>";b="\\x3C!--";c="\\x3C/SCRIPT "');
  });

  it('embeds the summary rows, the run and the strategies as JSON', async () => {
    const { meta } = readBack(await built);
    expect(meta.columns).toEqual(SUMMARY_COLUMNS);
    expect(meta.rows).toEqual(summary.map((row) => SUMMARY_COLUMNS.map((c) => summaryRecord(row)[c])));
    expect(meta.run.barCounts).toEqual(data.run.barCounts);
    expect(meta.run.trades).toBe(data.trades.count);
    expect(meta.strategies.map((s) => s.id)).toEqual([1, 2]);
    const s1 = registryEntry(1)!;
    expect(meta.strategies[0]!.columns).toEqual(s1.requiredColumns);
    expect(meta.strategies[0]!.conditions.entry_long).toEqual(s1.strategy.entry_long);
    expect(meta.strategies[0]!.conditions.exit_short).toEqual(s1.strategy.exit_short);
    expect(meta.exitReasons).toEqual(EXIT_REASONS);
    expect(meta.combos.map((c) => c.trades)).toEqual([4, 1, 2, 0, 2, 0, 0, 1]);
    expect(meta.combos.map((c) => c.series)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('decodes back to the trades, exactly, with their exit order and justifications', async () => {
    const { meta, chunk } = readBack(await built);
    const orders = orderedTrades(data);
    const t = data.trades;
    const decoder = new TextDecoder();
    let first = 0;
    meta.combos.forEach((c, k) => {
      if (c.trades === 0) {
        expect(c.tradesChunk).toBeNull();
        return;
      }
      const s = data.series[c.series]!;
      const decoded = decodeTrades(chunk(c.tradesChunk!), s);
      const range = (a: ArrayLike<number>): number[] => Array.from(a).slice(first, first + c.trades);
      expect(decoded.count).toBe(c.trades);
      expect(Array.from(decoded.pnl)).toEqual(range(t.pnl));
      expect(Array.from(decoded.entryPrice)).toEqual(range(t.entryPrice));
      expect(Array.from(decoded.exitPrice)).toEqual(range(t.exitPrice));
      expect(Array.from(decoded.entryTime)).toEqual(range(t.entryTime));
      expect(Array.from(decoded.exitTime)).toEqual(range(t.exitTime));
      expect(Array.from(decoded.barsHeld)).toEqual(range(t.barsHeld));
      expect(Array.from(decoded.side)).toEqual(range(t.side));
      expect(Array.from(decoded.exitReason)).toEqual(range(t.exitReason));
      expect(Array.from(decoded.exitOrder)).toEqual(Array.from(orders[k]!, (i) => i - first));
      // the markers' bars: the last bar at or before each time
      for (let i = 0; i < c.trades; i++) {
        const e = decoded.entryBar[i]!;
        expect(s.time[e]! <= t.entryTime[first + i]! && (e + 1 === s.time.length || s.time[e + 1]! > t.entryTime[first + i]!)).toBe(true);
      }
      const texts = decodeTexts(chunk(c.textChunk!));
      expect(texts).toEqual(Array.from({ length: 2 * c.trades }, (_, j) => decoder.decode(t.text.subarray(t.textOffsets[2 * first + j]!, t.textOffsets[2 * first + j + 1]!))));
      first += c.trades;
    });
    expect(first).toBe(t.count);
    // combination 0's exit order is not its entry order, and combination 2's times are not on bars
    expect(Array.from(decodeTrades(chunk(meta.combos[0]!.tradesChunk!), data.series[0]!).exitOrder)).toEqual([0, 1, 3, 2]);
    expect(Array.from(decodeTrades(chunk(meta.combos[2]!.tradesChunk!), data.series[0]!).entryBar)).toEqual([3, 20]);
  });

  it('decodes back to the bars exactly and the indicator columns within their quantisation step', async () => {
    const { meta, chunk } = readBack(await built);
    meta.series.forEach((m, k) => {
      const s = data.series[k]!;
      expect([m.symbol, m.timeframe, m.bars]).toEqual([s.symbol, s.timeframe, s.time.length]);
      const bars = decodeBars(chunk(m.chunk!));
      for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(bars[key])).toEqual(Array.from(s[key]));
      expect(Object.keys(m.columns).sort()).toEqual([...s.indicators.keys()].sort());
      for (const [name, values] of s.indicators) {
        const { min, max, chunk: ref } = m.columns[name]!;
        const back = dequantiseColumn(chunk(ref), min, max);
        const step = (max - min) / 65534;
        expect(back.length).toBe(values.length);
        values.forEach((v, i) => {
          if (Number.isNaN(v)) expect(back[i]).toBeNaN();
          // half a step, plus Float32's rounding of the value
          else expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(step / 2 + Math.abs(v) * 2 ** -23);
        });
      }
    });
    // a constant column comes back constant
    expect(Array.from(dequantiseColumn(chunk(meta.series[0]!.columns.atr_14!.chunk), 1.25, 1.25)).every((v) => v === 1.25)).toBe(true);
  });

  it('aggregates the whole run by entry weekday and hour (UTC, Monday first)', async () => {
    const { meta } = readBack(await built);
    const t = data.trades;
    const sum = new Array<number>(168).fill(0);
    const count = new Array<number>(168).fill(0);
    for (let i = 0; i < t.count; i++) {
      const d = new Date(t.entryTime[i]!);
      const cell = ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
      sum[cell]! += t.pnl[i]!;
      count[cell]!++;
    }
    expect(meta.hourWeekday.count).toEqual(count);
    meta.hourWeekday.sum.forEach((v, k) => expect(v).toBeCloseTo(sum[k]!, 15));
    // 2024-01-01 00:00 UTC was a Monday: the daily combination's first trade sits at Monday 00h
    expect(count[0]).toBeGreaterThan(0);
  });
});

describe('minMaxDownsample', () => {
  it('keeps every point of a curve no longer than the limit', () => {
    expect(Array.from(minMaxDownsample([3, 1, 2], 4))).toEqual([0, 1, 2]);
    expect(Array.from(minMaxDownsample([], 4))).toEqual([]);
  });

  it('keeps the first and last points and the min and max of each bucket, in order', () => {
    // limit 6: 2 buckets over the 8 inner points, indices 1-4 and 5-8
    const values = [5, 1, 9, 3, 7, 2, 8, 4, 6, 0];
    // bucket 1: min 1 (index 1), max 9 (index 2); bucket 2: min 2 (index 5), max 8 (index 6)
    expect(Array.from(minMaxDownsample(values, 6))).toEqual([0, 1, 2, 5, 6, 9]);
    // limit 4: one bucket over indices 1-8: min 1 at 1, max 9 at 2
    expect(Array.from(minMaxDownsample(values, 4))).toEqual([0, 1, 2, 9]);
    // limit 8: 3 buckets, indices 1-2, 3-5, 6-8; the max before the min in the second keeps its order
    expect(Array.from(minMaxDownsample([0, 4, 4, 6, 5, -2, 1, 1, 3, 0], 8))).toEqual([0, 1, 5, 3, 6, 8, 9].sort((a, b) => a - b));
  });

  it('does not move a one-point spike or dip in a long flat curve', () => {
    const values = new Array<number>(10_000).fill(1);
    values[4321] = 7;
    values[4322] = -3;
    values[9998] = 0.5;
    const kept = Array.from(minMaxDownsample(values, 200));
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept).toContain(4321);
    expect(kept).toContain(4322);
    expect(kept).toContain(9998);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(9_999);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    const drawn = kept.map((i) => values[i]!);
    expect(Math.max(...drawn)).toBe(7);
    expect(Math.min(...drawn)).toBe(-3);
  });
});
