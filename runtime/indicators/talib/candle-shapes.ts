/** TA-Lib 0.6's default candle settings and the candle measures its patterns use. */

const REAL_BODY = 0;
const HIGH_LOW = 1;
const SHADOWS = 2;
type RangeType = typeof REAL_BODY | typeof HIGH_LOW | typeof SHADOWS;

export interface CandleSetting {
  readonly rangeType: RangeType;
  /** Bars averaged; 0 means "compare with this candle's own range". */
  readonly avgPeriod: number;
  readonly factor: number;
}

// TA_RestoreCandleDefaultSettings.
export const BODY_LONG: CandleSetting = { rangeType: REAL_BODY, avgPeriod: 10, factor: 1.0 };
export const BODY_SHORT: CandleSetting = { rangeType: REAL_BODY, avgPeriod: 10, factor: 1.0 };
export const BODY_DOJI: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 10, factor: 0.1 };
export const SHADOW_LONG: CandleSetting = { rangeType: REAL_BODY, avgPeriod: 0, factor: 1.0 };
export const SHADOW_VERY_SHORT: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 10, factor: 0.1 };
export const NEAR: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 5, factor: 0.2 };
export const FAR: CandleSetting = { rangeType: HIGH_LOW, avgPeriod: 5, factor: 0.6 };

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
