/**
 * True range, ATR, directional movement (ADX, +DI, -DI) and parabolic SAR,
 * ported from TA-Lib 0.6 C. Same conventions as averages.ts.
 */

/** TA-Lib's TRUE_RANGE macro, argument order included. */
function trueRange(high: number, low: number, prevClose: number): number {
  let range = high - low;
  const up = Math.abs(high - prevClose);
  if (up > range) range = up;
  const down = Math.abs(low - prevClose);
  if (down > range) range = down;
  return range;
}

/** TA_ATR: plain average of the first `period` true ranges, then Wilder smoothing. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = high.length;
  if (period >= n) return;
  // TA_TRANGE computes |prevClose - high| and |prevClose - low|; same magnitude as trueRange's.
  let total = 0;
  for (let t = 1; t <= period; t++) total += trueRange(high[t], low[t], close[t - 1]);
  let prevAtr = total / period;
  out[period] = prevAtr;
  for (let t = period + 1; t < n; t++) {
    prevAtr *= period - 1;
    prevAtr += trueRange(high[t], low[t], close[t - 1]);
    prevAtr /= period;
    out[t] = prevAtr;
  }
}

const isZero = (x: number): boolean => -1e-14 < x && x < 1e-14;

/**
 * TA_PLUS_DI / TA_MINUS_DI (period > 1): Wilder sums of one side's directional
 * movement and of the true range, seeded with `period - 1` plain sums.
 */
function directionalIndicator(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  plus: boolean,
  out: Float64Array,
): void {
  const n = high.length;
  if (period >= n) return;
  let today = 0;
  let prevHigh = high[today];
  let prevLow = low[today];
  let prevClose = close[today];
  let prevDm = 0.0;
  let prevTr = 0.0;
  for (let i = period - 1; i-- > 0; ) {
    today++;
    const diffP = high[today] - prevHigh;
    prevHigh = high[today];
    const diffM = prevLow - low[today];
    prevLow = low[today];
    if (plus ? diffP > 0 && diffP > diffM : diffM > 0 && diffP < diffM) prevDm += plus ? diffP : diffM;
    prevTr += trueRange(prevHigh, prevLow, prevClose);
    prevClose = close[today];
  }
  while (today < n - 1) {
    today++;
    const diffP = high[today] - prevHigh;
    prevHigh = high[today];
    const diffM = prevLow - low[today];
    prevLow = low[today];
    if (plus ? diffP > 0 && diffP > diffM : diffM > 0 && diffP < diffM) {
      prevDm = prevDm - prevDm / period + (plus ? diffP : diffM);
    } else {
      prevDm = prevDm - prevDm / period;
    }
    prevTr = prevTr - prevTr / period + trueRange(prevHigh, prevLow, prevClose);
    prevClose = close[today];
    out[today] = isZero(prevTr) ? 0.0 : 100.0 * (prevDm / prevTr);
  }
}

export function plusDi(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  directionalIndicator(high, low, close, period, true, out);
}

export function minusDi(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  directionalIndicator(high, low, close, period, false, out);
}

export const adxLookback = (period: number): number => 2 * period - 1;

/**
 * TA_ADX. Its DM update differs from TA_PLUS_DI's: it decays both sides first
 * and adds the movement afterwards (`dm -= dm/period; dm += diff`).
 */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = high.length;
  const startIdx = adxLookback(period);
  if (startIdx >= n) return;
  let today = 0;
  let prevHigh = high[today];
  let prevLow = low[today];
  let prevClose = close[today];
  let prevMinusDm = 0.0;
  let prevPlusDm = 0.0;
  let prevTr = 0.0;
  for (let i = period - 1; i-- > 0; ) {
    today++;
    const diffP = high[today] - prevHigh;
    prevHigh = high[today];
    const diffM = prevLow - low[today];
    prevLow = low[today];
    if (diffM > 0 && diffP < diffM) prevMinusDm += diffM;
    else if (diffP > 0 && diffP > diffM) prevPlusDm += diffP;
    prevTr += trueRange(prevHigh, prevLow, prevClose);
    prevClose = close[today];
  }
  let dx = 0.0;
  // One step of the smoothed DM/TR; false where TA-Lib skips DX (TR or DI sum ~ 0).
  const step = (): boolean => {
    today++;
    const diffP = high[today] - prevHigh;
    prevHigh = high[today];
    const diffM = prevLow - low[today];
    prevLow = low[today];
    prevMinusDm -= prevMinusDm / period;
    prevPlusDm -= prevPlusDm / period;
    if (diffM > 0 && diffP < diffM) prevMinusDm += diffM;
    else if (diffP > 0 && diffP > diffM) prevPlusDm += diffP;
    prevTr = prevTr - prevTr / period + trueRange(prevHigh, prevLow, prevClose);
    prevClose = close[today];
    if (isZero(prevTr)) return false;
    const minusDi = 100.0 * (prevMinusDm / prevTr);
    const plusDi = 100.0 * (prevPlusDm / prevTr);
    const sum = minusDi + plusDi;
    if (isZero(sum)) return false;
    dx = 100.0 * (Math.abs(minusDi - plusDi) / sum);
    return true;
  };
  let sumDx = 0.0;
  for (let i = period; i-- > 0; ) if (step()) sumDx += dx;
  let prevAdx = sumDx / period;
  out[startIdx] = prevAdx;
  while (today < n - 1) {
    if (step()) prevAdx = (prevAdx * (period - 1) + dx) / period;
    out[today] = prevAdx;
  }
}

/**
 * TA_SAR. The initial direction comes from TA_MINUS_DM over the first two
 * bars: short when the low fell more than the high rose.
 */
export function sar(high: Float64Array, low: Float64Array, acceleration: number, maximum: number, out: Float64Array): void {
  const n = high.length;
  if (n <= 1) return;
  let af = acceleration;
  if (af > maximum) af = acceleration = maximum;
  const diffP = high[1] - high[0];
  const diffM = low[0] - low[1];
  let isLong = !(diffM > 0 && diffP < diffM);
  let todayIdx = 1;
  let newHigh = high[0];
  let newLow = low[0];
  let ep: number;
  let sarValue: number;
  if (isLong) {
    ep = high[todayIdx];
    sarValue = newLow;
  } else {
    ep = low[todayIdx];
    sarValue = newHigh;
  }
  newLow = low[todayIdx];
  newHigh = high[todayIdx];
  while (todayIdx < n) {
    const prevLow = newLow;
    const prevHigh = newHigh;
    newLow = low[todayIdx];
    newHigh = high[todayIdx];
    const t = todayIdx++;
    if (isLong) {
      if (newLow <= sarValue) {
        isLong = false;
        sarValue = ep;
        if (sarValue < prevHigh) sarValue = prevHigh;
        if (sarValue < newHigh) sarValue = newHigh;
        out[t] = sarValue;
        af = acceleration;
        ep = newLow;
        sarValue = sarValue + af * (ep - sarValue);
        if (sarValue < prevHigh) sarValue = prevHigh;
        if (sarValue < newHigh) sarValue = newHigh;
      } else {
        out[t] = sarValue;
        if (newHigh > ep) {
          ep = newHigh;
          af += acceleration;
          if (af > maximum) af = maximum;
        }
        sarValue = sarValue + af * (ep - sarValue);
        if (sarValue > prevLow) sarValue = prevLow;
        if (sarValue > newLow) sarValue = newLow;
      }
    } else if (newHigh >= sarValue) {
      isLong = true;
      sarValue = ep;
      if (sarValue > prevLow) sarValue = prevLow;
      if (sarValue > newLow) sarValue = newLow;
      out[t] = sarValue;
      af = acceleration;
      ep = newHigh;
      sarValue = sarValue + af * (ep - sarValue);
      if (sarValue > prevLow) sarValue = prevLow;
      if (sarValue > newLow) sarValue = newLow;
    } else {
      out[t] = sarValue;
      if (newLow < ep) {
        ep = newLow;
        af += acceleration;
        if (af > maximum) af = maximum;
      }
      sarValue = sarValue + af * (ep - sarValue);
      if (sarValue < prevHigh) sarValue = prevHigh;
      if (sarValue < newHigh) sarValue = newHigh;
    }
  }
}
