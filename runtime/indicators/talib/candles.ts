/**
 * Candlestick patterns ported from TA-Lib 0.6 C with its default candle
 * settings. Outputs are TA-Lib's integers (+-100, +-80, 0) stored as doubles;
 * callers pre-fill the lookback region with 0 as the Python wrapper does.
 */
import {
  BODY_DOJI,
  BODY_LONG,
  BODY_SHORT,
  FAR,
  NEAR,
  SHADOW_LONG,
  SHADOW_VERY_SHORT,
  type CandleSetting,
  type Candles,
} from './candle-shapes.js';

const max2 = (a: number, b: number): number => Math.max(a, b);

const engulfingLookback = (): number => 2;

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

const dojiLookback = (): number => BODY_DOJI.avgPeriod;

export function doji(k: Candles, out: Float64Array): void {
  const start = dojiLookback();
  let dojiTrailing = start - BODY_DOJI.avgPeriod;
  let dojiTotal = k.total(BODY_DOJI, dojiTrailing, start);
  for (let i = start; i < k.length; i++) {
    out[i] = k.body(i) <= k.average(BODY_DOJI, dojiTotal, i) ? 100 : 0;
    dojiTotal = k.slide(BODY_DOJI, dojiTotal, i, dojiTrailing++);
  }
}

const hammerLookback = (): number =>
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

const shootingStarLookback = (): number =>
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

const starLookback = (): number => max2(BODY_SHORT.avgPeriod, BODY_LONG.avgPeriod) + 2;

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

const threeWhiteSoldiersLookback = (): number =>
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

const threeBlackCrowsLookback = (): number => SHADOW_VERY_SHORT.avgPeriod + 3;

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

const haramiLookback = (): number => max2(BODY_SHORT.avgPeriod, BODY_LONG.avgPeriod) + 1;

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

const marubozuLookback = (): number => max2(BODY_LONG.avgPeriod, SHADOW_VERY_SHORT.avgPeriod);

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
