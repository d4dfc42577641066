/** On-balance volume and the Chaikin A/D oscillator, ported from TA-Lib 0.6 C. */

/** TA_OBV: starts at the first bar's volume, not at 0. */
export function obv(real: Float64Array, volume: Float64Array, out: Float64Array): void {
  const n = real.length;
  if (n === 0) return;
  let prevObv = volume[0];
  let prevReal = real[0];
  for (let i = 0; i < n; i++) {
    const value = real[i];
    if (value > prevReal) prevObv += volume[i];
    else if (value < prevReal) prevObv -= volume[i];
    out[i] = prevObv;
    prevReal = value;
  }
}

export const adoscLookback = (fast: number, slow: number): number => Math.max(fast, slow) - 1;

/**
 * TA_ADOSC: both EMAs of the A/D line start from its first value (no average
 * seed) and use k*x + (1-k)*prev, unlike TA_EMA's (x-prev)*k + prev.
 */
export function adosc(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  fast: number,
  slow: number,
  out: Float64Array,
): void {
  const n = high.length;
  const startIdx = adoscLookback(fast, slow);
  if (startIdx >= n) return;
  const fastK = 2 / (fast + 1);
  const fastRest = 1.0 - fastK;
  const slowK = 2 / (slow + 1);
  const slowRest = 1.0 - slowK;
  let ad = 0.0;
  const accumulate = (t: number): void => {
    const h = high[t];
    const l = low[t];
    const range = h - l;
    const c = close[t];
    if (range > 0.0) ad += ((c - l - (h - c)) / range) * volume[t];
  };
  accumulate(0);
  let fastEma = ad;
  let slowEma = ad;
  for (let t = 1; t < n; t++) {
    accumulate(t);
    fastEma = fastK * ad + fastRest * fastEma;
    slowEma = slowK * ad + slowRest * slowEma;
    if (t >= startIdx) out[t] = fastEma - slowEma;
  }
}
