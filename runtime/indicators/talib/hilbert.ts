/** Hilbert-transform instantaneous trendline, ported from TA-Lib 0.6 C (TA_HT_TRENDLINE). */

export const htTrendlineLookback = (): number => 63;

const A = 0.0962;
const B = 0.5769;

/** The state one of TA-Lib's Hilbert FIR filters keeps for the odd bars or for the even ones. */
class HilbertHalf {
  private readonly history = new Float64Array(3);
  private prev = 0.0;
  private prevInput = 0.0;

  bar(input: number, slot: number, adjustedPrevPeriod: number): number {
    const scaled = A * input;
    let value = -this.history[slot];
    this.history[slot] = scaled;
    value += scaled;
    value -= this.prev;
    this.prev = B * this.prevInput;
    value += this.prev;
    this.prevInput = input;
    return value * adjustedPrevPeriod;
  }
}

/**
 * One of TA-Lib's Hilbert FIR filters. TA-Lib keeps a separate filter state
 * for odd and even bars and a 3-slot history shared in step by all filters.
 */
class HilbertFilter {
  readonly even = new HilbertHalf();
  readonly odd = new HilbertHalf();
}

export function htTrendline(real: Float64Array, out: Float64Array): void {
  const n = real.length;
  const lookback = htTrendlineLookback();
  if (lookback >= n) return;
  const rad2Deg = 45.0 / Math.atan(1);

  // 4-3-2-1 weighted average of the price, kept as running sums.
  let trailingWmaIdx = 0;
  let today = 0;
  let value = real[today++];
  let wmaSub = value;
  let wmaSum = value;
  value = real[today++];
  wmaSub += value;
  wmaSum += value * 2.0;
  value = real[today++];
  wmaSub += value;
  wmaSum += value * 3.0;
  let trailingWmaValue = 0.0;
  let smoothed = 0.0;
  const smooth = (price: number): void => {
    wmaSub += price;
    wmaSub -= trailingWmaValue;
    wmaSum += price * 4.0;
    trailingWmaValue = real[trailingWmaIdx++];
    smoothed = wmaSum * 0.1;
    wmaSum -= wmaSub;
  };
  for (let i = 34; i !== 0; i--) smooth(real[today++]);

  const detrenderFilter = new HilbertFilter();
  const q1Filter = new HilbertFilter();
  const jIFilter = new HilbertFilter();
  const jQFilter = new HilbertFilter();
  let hilbertIdx = 0;
  let period = 0.0;
  let prevI2 = 0.0;
  let prevQ2 = 0.0;
  let re = 0.0;
  let im = 0.0;
  let i1ForOddPrev3 = 0.0;
  let i1ForEvenPrev3 = 0.0;
  let i1ForOddPrev2 = 0.0;
  let i1ForEvenPrev2 = 0.0;
  let smoothPeriod = 0.0;
  let iTrend1 = 0.0;
  let iTrend2 = 0.0;
  let iTrend3 = 0.0;

  while (today < n) {
    const adjustedPrevPeriod = 0.075 * period + 0.54;
    smooth(real[today]);
    let q2: number;
    let i2: number;
    if (today % 2 === 0) {
      const detrender = detrenderFilter.even.bar(smoothed, hilbertIdx, adjustedPrevPeriod);
      const q1 = q1Filter.even.bar(detrender, hilbertIdx, adjustedPrevPeriod);
      const jI = jIFilter.even.bar(i1ForEvenPrev3, hilbertIdx, adjustedPrevPeriod);
      const jQ = jQFilter.even.bar(q1, hilbertIdx, adjustedPrevPeriod);
      if (++hilbertIdx === 3) hilbertIdx = 0;
      q2 = 0.2 * (q1 + jI) + 0.8 * prevQ2;
      i2 = 0.2 * (i1ForEvenPrev3 - jQ) + 0.8 * prevI2;
      i1ForOddPrev3 = i1ForOddPrev2;
      i1ForOddPrev2 = detrender;
    } else {
      const detrender = detrenderFilter.odd.bar(smoothed, hilbertIdx, adjustedPrevPeriod);
      const q1 = q1Filter.odd.bar(detrender, hilbertIdx, adjustedPrevPeriod);
      const jI = jIFilter.odd.bar(i1ForOddPrev3, hilbertIdx, adjustedPrevPeriod);
      const jQ = jQFilter.odd.bar(q1, hilbertIdx, adjustedPrevPeriod);
      q2 = 0.2 * (q1 + jI) + 0.8 * prevQ2;
      i2 = 0.2 * (i1ForOddPrev3 - jQ) + 0.8 * prevI2;
      i1ForEvenPrev3 = i1ForEvenPrev2;
      i1ForEvenPrev2 = detrender;
    }
    re = 0.2 * (i2 * prevI2 + q2 * prevQ2) + 0.8 * re;
    im = 0.2 * (i2 * prevQ2 - q2 * prevI2) + 0.8 * im;
    prevQ2 = q2;
    prevI2 = i2;
    const previousPeriod = period;
    if (im !== 0.0 && re !== 0.0) period = 360.0 / (Math.atan(im / re) * rad2Deg);
    let bound = 1.5 * previousPeriod;
    if (period > bound) period = bound;
    bound = 0.67 * previousPeriod;
    if (period < bound) period = bound;
    if (period < 6) period = 6;
    else if (period > 50) period = 50;
    period = 0.2 * period + 0.8 * previousPeriod;
    smoothPeriod = 0.33 * period + 0.67 * smoothPeriod;

    // Average price over the dominant cycle, then a 4-3-2-1 weighting of its history.
    const dcPeriod = Math.trunc(smoothPeriod + 0.5);
    let sum = 0.0;
    for (let i = 0, idx = today; i < dcPeriod; i++) sum += real[idx--];
    const average = dcPeriod > 0 ? sum / dcPeriod : sum;
    const trend = (4.0 * average + 3.0 * iTrend1 + 2.0 * iTrend2 + iTrend3) / 10.0;
    iTrend3 = iTrend2;
    iTrend2 = iTrend1;
    iTrend1 = average;
    if (today >= lookback) out[today] = trend;
    today++;
  }
}
