/**
 * Element-wise columns the reference derives with numpy/pandas arithmetic;
 * each keeps the reference's operation order so results match to the bit.
 */

/** numpy turns x/0 into +-inf; the reference then maps +-inf (not NaN) to NaN. */
const finiteOrNaN = (x: number): number => (x === Infinity || x === -Infinity ? Number.NaN : x);

/** (high + low + close) / 3, summed left to right. */
export function typicalPrice(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (high[i] + low[i] + close[i]) / 3;
}

/** (a + b) / 2, the midpoint used by Ichimoku lines and the Donchian middle. */
export function midpoint(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (a[i] + b[i]) / 2;
}

export function difference(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
}

/** (upper - lower) / middle. */
export function bandWidth(upper: Float64Array, middle: Float64Array, lower: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = finiteOrNaN((upper[i] - lower[i]) / middle[i]);
}

/** (close - lower) / (upper - lower): where the close sits inside the bands. */
export function bandPercent(close: Float64Array, upper: Float64Array, lower: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = finiteOrNaN((close[i] - lower[i]) / (upper[i] - lower[i]));
}

/** Cumulative sum(typical * volume) / cumulative sum(volume), from the first bar (np.cumsum is sequential). */
export function vwap(typical: Float64Array, volume: Float64Array, out: Float64Array): void {
  let priceVolume = 0;
  let totalVolume = 0;
  for (let i = 0; i < out.length; i++) {
    priceVolume += typical[i] * volume[i];
    totalVolume += volume[i];
    out[i] = finiteOrNaN(priceVolume / totalVolume);
  }
}

/** Floor-trader pivots around the bar's own typical price. */
export function pivots(
  pivot: Float64Array,
  high: Float64Array,
  low: Float64Array,
  out: { r1: Float64Array; r2: Float64Array; s1: Float64Array; s2: Float64Array },
): void {
  const { r1, r2, s1, s2 } = out;
  for (let i = 0; i < pivot.length; i++) {
    const pp = pivot[i];
    r1[i] = 2 * pp - low[i];
    r2[i] = pp + (high[i] - low[i]);
    s1[i] = 2 * pp - high[i];
    s2[i] = pp - (high[i] - low[i]);
  }
}
