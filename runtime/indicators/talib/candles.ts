/**
 * Candlestick patterns ported from TA-Lib 0.6 C with its default candle
 * settings. Outputs are TA-Lib's integers (+-100, +-80, 0) stored as doubles;
 * callers pre-fill the lookback region with 0 as the Python wrapper does.
 */

const REAL_BODY = 0;
const HIGH_LOW = 1;
const SHADOWS = 2;
type RangeType = typeof REAL_BODY | typeof HIGH_LOW | typeof SHADOWS;

interface CandleSetting {
  readonly rangeType: RangeType;
  /** Bars averaged; 0 means "compare with this candle's own range". */
  readonly avgPeriod: number;
  readonly factor: number;
}

// TA_RestoreCandleDefaultSettings.
const BODY_LONG: CandleSetting = { rangeType: REAL_BODY, avgPeriod: 10, factor: 1.0 };
const BODY_SHORT: CandleSetting = { rangeType: REAL_BODY, avgPeriod: 10, factor: 1.0 };
const BODY_DOJI: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 10, factor: 0.1 };
const SHADOW_LONG: CandleSetting = { rangeType: REAL_BODY, avgPeriod: 0, factor: 1.0 };
const SHADOW_VERY_SHORT: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 10, factor: 0.1 };
const NEAR: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 5, factor: 0.2 };
const FAR: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 5, factor: 0.6 };

/**
 * TA-Lib's candle macros (TA_REALBODY, TA_CANDLERANGE, TA_CANDLEAVERAGE, ...).
 * The per-bar shapes are computed once, with the macros' exact arithmetic,
 * and shared by all patterns.
 */
export class Candles {
  readonly length: number;
  private readonly bodies: Float64Array;
  private readonly ranges: Float64Array;
  private readonly upperShadows: Float64Array;
  private readonly lowerShadows: Float64Array;
  private readonly colors: Int8Array;

  constructor(
    readonly open: Float64Array,
    readonly high: Float64Array,
    readonly low: Float64Array,
    readonly close: Float64Array,
  ) {
    const n = open.length;
    this.length = n;
    this.bodies = new Float64Array(n);
    this.ranges = new Float64Array(n);
    this.upperShadows = new Float64Array(n);
    this.lowerShadows = new Float64Array(n);
    this.colors = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      const o = open[i];
      const c = close[i];
      const white = c >= o;
      this.colors[i] = white ? 1 : -1;
      this.bodies[i] = Math.abs(c - o);
      this.ranges[i] = high[i] - low[i];
      this.upperShadows[i] = high[i] - (white ? c : o);
      this.lowerShadows[i] = (white ? o : c) - low[i];
    }
  }

  /** 1 for white (close >= open), -1 for black. */
  color(i: number): number {
    return this.colors[i];
  }

  body(i: number): number {
    return this.bodies[i];
  }

  upperShadow(i: number): number {
    return this.upperShadows[i];
  }

  lowerShadow(i: number): number {
    return this.lowerShadows[i];
  }

  range(setting: CandleSetting, i: number): number {
    switch (setting.rangeType) {
      case REAL_BODY:
        return this.bodies[i];
      case HIGH_LOW:
        return this.ranges[i];
      case SHADOWS:
        return this.upperShadows[i] + this.lowerShadows[i];
    }
  }

  average(setting: CandleSetting, total: number, i: number): number {
    const base = setting.avgPeriod !== 0 ? total / setting.avgPeriod : this.range(setting, i);
    return (setting.factor * base) / (setting.rangeType === SHADOWS ? 2.0 : 1.0);
  }

  /** Sum of `range` over [from, to). */
  total(setting: CandleSetting, from: number, to: number): number {
    let sum = 0;
    for (let i = from; i < to; i++) sum += this.range(setting, i);
    return sum;
  }

  /** The running-total update TA-Lib applies after each bar: add the new range minus the trailing one. */
  slide(setting: CandleSetting, total: number, entering: number, leaving: number): number {
    return total + (this.range(setting, entering) - this.range(setting, leaving));
  }
}

const max2 = (a: number, b: number): number => Math.max(a, b);

export const engulfingLookback = (): number => 2;

export function engulfing(k: Candles, out: Float64Array): void {
  const { open: o, close: c } = k;
  for (let i = engulfingLookback(); i < k.length; i++) {
    const color = k.color(i);
    const prevColor = k.color(i - 1);
    const bullish =
      color === 1 && prevColor === -1 && ((c[i] >= o[i - 1] && o[i] < c[i - 1]) || (c[i] > o[i - 1] && o[i] <= c[i - 1]));
    const bearish =
      color === -1 && prevColor === 1 && ((o[i] >= c[i - 1] && c[i] < o[i - 1]) || (o[i] > c[i - 1] && c[i] <= o[i - 1]));
    if (bullish || bearish) out[i] = o[i] !== c[i - 1] && c[i] !== o[i - 1] ? color * 100 : color * 80;
    else out[i] = 0;
  }
}

export const dojiLookback = (): number => BODY_DOJI.avgPeriod;

export function doji(k: Candles, out: Float64Array): void {
  const start = dojiLookback();
  let dojiTrailing = start - BODY_DOJI.avgPeriod;
  let dojiTotal = k.total(BODY_DOJI, dojiTrailing, start);
  for (let i = start; i < k.length; i++) {
    out[i] = k.body(i) <= k.average(BODY_DOJI, dojiTotal, i) ? 100 : 0;
    dojiTotal = k.slide(BODY_DOJI, dojiTotal, i, dojiTrailing++);
  }
}

export const hammerLookback = (): number =>
  max2(max2(max2(BODY_SHORT.avgPeriod, SHADOW_LONG.avgPeriod), SHADOW_VERY_SHORT.avgPeriod), NEAR.avgPeriod) + 1;

export function hammer(k: Candles, out: Float64Array): void {
  const { open: o, low: l, close: c } = k;
  const start = hammerLookback();
  let bodyTrailing = start - BODY_SHORT.avgPeriod;
  let longTrailing = start - SHADOW_LONG.avgPeriod;
  let veryShortTrailing = start - SHADOW_VERY_SHORT.avgPeriod;
  let nearTrailing = start - 1 - NEAR.avgPeriod;
  let bodyTotal = k.total(BODY_SHORT, bodyTrailing, start);
  let longTotal = k.total(SHADOW_LONG, longTrailing, start);
  let veryShortTotal = k.total(SHADOW_VERY_SHORT, veryShortTrailing, start);
  let nearTotal = k.total(NEAR, nearTrailing, start - 1);
  for (let i = start; i < k.length; i++) {
    const bodyLow = c[i] < o[i] ? c[i] : o[i];
    out[i] =
      k.body(i) < k.average(BODY_SHORT, bodyTotal, i) &&
      k.lowerShadow(i) > k.average(SHADOW_LONG, longTotal, i) &&
      k.upperShadow(i) < k.average(SHADOW_VERY_SHORT, veryShortTotal, i) &&
      bodyLow <= l[i - 1] + k.average(NEAR, nearTotal, i - 1)
        ? 100
        : 0;
    bodyTotal = k.slide(BODY_SHORT, bodyTotal, i, bodyTrailing++);
    longTotal = k.slide(SHADOW_LONG, longTotal, i, longTrailing++);
    veryShortTotal = k.slide(SHADOW_VERY_SHORT, veryShortTotal, i, veryShortTrailing++);
    nearTotal = k.slide(NEAR, nearTotal, i - 1, nearTrailing++);
  }
}

export const shootingStarLookback = (): number =>
  max2(max2(BODY_SHORT.avgPeriod, SHADOW_LONG.avgPeriod), SHADOW_VERY_SHORT.avgPeriod) + 1;

export function shootingStar(k: Candles, out: Float64Array): void {
  const { open: o, close: c } = k;
  const start = shootingStarLookback();
  let bodyTrailing = start - BODY_SHORT.avgPeriod;
  let longTrailing = start - SHADOW_LONG.avgPeriod;
  let veryShortTrailing = start - SHADOW_VERY_SHORT.avgPeriod;
  let bodyTotal = k.total(BODY_SHORT, bodyTrailing, start);
  let longTotal = k.total(SHADOW_LONG, longTrailing, start);
  let veryShortTotal = k.total(SHADOW_VERY_SHORT, veryShortTrailing, start);
  for (let i = start; i < k.length; i++) {
    const bodyLow = o[i] < c[i] ? o[i] : c[i];
    const prevBodyHigh = o[i - 1] > c[i - 1] ? o[i - 1] : c[i - 1];
    out[i] =
      k.body(i) < k.average(BODY_SHORT, bodyTotal, i) &&
      k.upperShadow(i) > k.average(SHADOW_LONG, longTotal, i) &&
      k.lowerShadow(i) < k.average(SHADOW_VERY_SHORT, veryShortTotal, i) &&
      bodyLow > prevBodyHigh
        ? -100
        : 0;
    bodyTotal = k.slide(BODY_SHORT, bodyTotal, i, bodyTrailing++);
    longTotal = k.slide(SHADOW_LONG, longTotal, i, longTrailing++);
    veryShortTotal = k.slide(SHADOW_VERY_SHORT, veryShortTotal, i, veryShortTrailing++);
  }
}

export const starLookback = (): number => max2(BODY_SHORT.avgPeriod, BODY_LONG.avgPeriod) + 2;

/**
 * TA_CDLMORNINGSTAR (bullish = true) and TA_CDLEVENINGSTAR: long candle, a
 * short one gapping away from it, then a candle of the opposite color closing
 * more than `penetration` of the first body back into it.
 */
function star(k: Candles, penetration: number, bullish: boolean, out: Float64Array): void {
  const { open: o, close: c } = k;
  const start = starLookback();
  let longTrailing = start - 2 - BODY_LONG.avgPeriod;
  let shortTrailing = start - 1 - BODY_SHORT.avgPeriod;
  let longTotal = k.total(BODY_LONG, longTrailing, start - 2);
  let shortTotal = 0;
  let shortTotal2 = 0;
  for (let i = shortTrailing; i < start - 1; i++) {
    shortTotal += k.range(BODY_SHORT, i);
    shortTotal2 += k.range(BODY_SHORT, i + 1);
  }
  const firstColor = bullish ? -1 : 1;
  for (let i = start; i < k.length; i++) {
    let gap: boolean;
    let penetrates: boolean;
    if (bullish) {
      gap = (o[i - 1] > c[i - 1] ? o[i - 1] : c[i - 1]) < (o[i - 2] < c[i - 2] ? o[i - 2] : c[i - 2]);
      penetrates = c[i] > c[i - 2] + k.body(i - 2) * penetration;
    } else {
      gap = (o[i - 1] < c[i - 1] ? o[i - 1] : c[i - 1]) > (o[i - 2] > c[i - 2] ? o[i - 2] : c[i - 2]);
      penetrates = c[i] < c[i - 2] - k.body(i - 2) * penetration;
    }
    out[i] =
      k.body(i - 2) > k.average(BODY_LONG, longTotal, i - 2) &&
      k.color(i - 2) === firstColor &&
      k.body(i - 1) <= k.average(BODY_SHORT, shortTotal, i - 1) &&
      gap &&
      k.body(i) > k.average(BODY_SHORT, shortTotal2, i) &&
      k.color(i) === -firstColor &&
      penetrates
        ? -firstColor * 100
        : 0;
    longTotal = k.slide(BODY_LONG, longTotal, i - 2, longTrailing);
    shortTotal = k.slide(BODY_SHORT, shortTotal, i - 1, shortTrailing);
    shortTotal2 = k.slide(BODY_SHORT, shortTotal2, i, shortTrailing + 1);
    longTrailing++;
    shortTrailing++;
  }
}

export function morningStar(k: Candles, penetration: number, out: Float64Array): void {
  star(k, penetration, true, out);
}

export function eveningStar(k: Candles, penetration: number, out: Float64Array): void {
  star(k, penetration, false, out);
}

export const threeWhiteSoldiersLookback = (): number =>
  max2(max2(SHADOW_VERY_SHORT.avgPeriod, BODY_SHORT.avgPeriod), max2(FAR.avgPeriod, NEAR.avgPeriod)) + 2;

/**
 * Running totals for the last three candles (slot s is for bar i - s), as
 * TA-Lib keeps them for three-candle patterns.
 */
function primeTriple(k: Candles, setting: CandleSetting, from: number, to: number, slots: number): Float64Array {
  const totals = new Float64Array(3);
  for (let i = from; i < to; i++) {
    for (let s = 2; s >= 3 - slots; s--) totals[s] += k.range(setting, i - s);
  }
  return totals;
}

function slideTriple(k: Candles, setting: CandleSetting, totals: Float64Array, i: number, trailing: number, lowestSlot: number): void {
  for (let s = 2; s >= lowestSlot; s--) totals[s] = k.slide(setting, totals[s], i - s, trailing - s);
}

export function threeWhiteSoldiers(k: Candles, out: Float64Array): void {
  const { open: o, close: c } = k;
  const start = threeWhiteSoldiersLookback();
  let veryShortTrailing = start - SHADOW_VERY_SHORT.avgPeriod;
  let nearTrailing = start - NEAR.avgPeriod;
  let farTrailing = start - FAR.avgPeriod;
  let bodyTrailing = start - BODY_SHORT.avgPeriod;
  const veryShort = primeTriple(k, SHADOW_VERY_SHORT, veryShortTrailing, start, 3);
  const near = primeTriple(k, NEAR, nearTrailing, start, 2);
  const far = primeTriple(k, FAR, farTrailing, start, 2);
  let bodyTotal = k.total(BODY_SHORT, bodyTrailing, start);
  for (let i = start; i < k.length; i++) {
    out[i] =
      k.color(i - 2) === 1 &&
      k.upperShadow(i - 2) < k.average(SHADOW_VERY_SHORT, veryShort[2], i - 2) &&
      k.color(i - 1) === 1 &&
      k.upperShadow(i - 1) < k.average(SHADOW_VERY_SHORT, veryShort[1], i - 1) &&
      k.color(i) === 1 &&
      k.upperShadow(i) < k.average(SHADOW_VERY_SHORT, veryShort[0], i) &&
      c[i] > c[i - 1] &&
      c[i - 1] > c[i - 2] &&
      o[i - 1] > o[i - 2] &&
      o[i - 1] <= c[i - 2] + k.average(NEAR, near[2], i - 2) &&
      o[i] > o[i - 1] &&
      o[i] <= c[i - 1] + k.average(NEAR, near[1], i - 1) &&
      k.body(i - 1) > k.body(i - 2) - k.average(FAR, far[2], i - 2) &&
      k.body(i) > k.body(i - 1) - k.average(FAR, far[1], i - 1) &&
      k.body(i) > k.average(BODY_SHORT, bodyTotal, i)
        ? 100
        : 0;
    slideTriple(k, SHADOW_VERY_SHORT, veryShort, i, veryShortTrailing, 0);
    // TA-Lib interleaves the Far and Near updates per slot; they are independent sums.
    slideTriple(k, FAR, far, i, farTrailing, 1);
    slideTriple(k, NEAR, near, i, nearTrailing, 1);
    bodyTotal = k.slide(BODY_SHORT, bodyTotal, i, bodyTrailing);
    veryShortTrailing++;
    nearTrailing++;
    farTrailing++;
    bodyTrailing++;
  }
}

export const threeBlackCrowsLookback = (): number => SHADOW_VERY_SHORT.avgPeriod + 3;

export function threeBlackCrows(k: Candles, out: Float64Array): void {
  const { open: o, high: h, close: c } = k;
  const start = threeBlackCrowsLookback();
  let veryShortTrailing = start - SHADOW_VERY_SHORT.avgPeriod;
  const veryShort = primeTriple(k, SHADOW_VERY_SHORT, veryShortTrailing, start, 3);
  for (let i = start; i < k.length; i++) {
    out[i] =
      k.color(i - 3) === 1 &&
      k.color(i - 2) === -1 &&
      k.lowerShadow(i - 2) < k.average(SHADOW_VERY_SHORT, veryShort[2], i - 2) &&
      k.color(i - 1) === -1 &&
      k.lowerShadow(i - 1) < k.average(SHADOW_VERY_SHORT, veryShort[1], i - 1) &&
      k.color(i) === -1 &&
      k.lowerShadow(i) < k.average(SHADOW_VERY_SHORT, veryShort[0], i) &&
      o[i - 1] < o[i - 2] &&
      o[i - 1] > c[i - 2] &&
      o[i] < o[i - 1] &&
      o[i] > c[i - 1] &&
      h[i - 3] > c[i - 2] &&
      c[i - 2] > c[i - 1] &&
      c[i - 1] > c[i]
        ? -100
        : 0;
    slideTriple(k, SHADOW_VERY_SHORT, veryShort, i, veryShortTrailing, 0);
    veryShortTrailing++;
  }
}

export const haramiLookback = (): number => max2(BODY_SHORT.avgPeriod, BODY_LONG.avgPeriod) + 1;

export function harami(k: Candles, out: Float64Array): void {
  const { open: o, close: c } = k;
  const start = haramiLookback();
  let longTrailing = start - 1 - BODY_LONG.avgPeriod;
  let shortTrailing = start - BODY_SHORT.avgPeriod;
  let longTotal = k.total(BODY_LONG, longTrailing, start - 1);
  let shortTotal = k.total(BODY_SHORT, shortTrailing, start);
  for (let i = start; i < k.length; i++) {
    let value = 0;
    if (k.body(i - 1) > k.average(BODY_LONG, longTotal, i - 1) && k.body(i) <= k.average(BODY_SHORT, shortTotal, i)) {
      const top = c[i] > o[i] ? c[i] : o[i];
      const bottom = c[i] < o[i] ? c[i] : o[i];
      const prevTop = c[i - 1] > o[i - 1] ? c[i - 1] : o[i - 1];
      const prevBottom = c[i - 1] < o[i - 1] ? c[i - 1] : o[i - 1];
      if (top < prevTop && bottom > prevBottom) value = -k.color(i - 1) * 100;
      else if (top <= prevTop && bottom >= prevBottom) value = -k.color(i - 1) * 80;
    }
    out[i] = value;
    longTotal = k.slide(BODY_LONG, longTotal, i - 1, longTrailing++);
    shortTotal = k.slide(BODY_SHORT, shortTotal, i, shortTrailing++);
  }
}

export const marubozuLookback = (): number => max2(BODY_LONG.avgPeriod, SHADOW_VERY_SHORT.avgPeriod);

export function marubozu(k: Candles, out: Float64Array): void {
  const start = marubozuLookback();
  let longTrailing = start - BODY_LONG.avgPeriod;
  let veryShortTrailing = start - SHADOW_VERY_SHORT.avgPeriod;
  let longTotal = k.total(BODY_LONG, longTrailing, start);
  let veryShortTotal = k.total(SHADOW_VERY_SHORT, veryShortTrailing, start);
  for (let i = start; i < k.length; i++) {
    out[i] =
      k.body(i) > k.average(BODY_LONG, longTotal, i) &&
      k.upperShadow(i) < k.average(SHADOW_VERY_SHORT, veryShortTotal, i) &&
      k.lowerShadow(i) < k.average(SHADOW_VERY_SHORT, veryShortTotal, i)
        ? k.color(i) * 100
        : 0;
    longTotal = k.slide(BODY_LONG, longTotal, i, longTrailing++);
    veryShortTotal = k.slide(SHADOW_VERY_SHORT, veryShortTotal, i, veryShortTrailing++);
  }
}
