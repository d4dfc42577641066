/**
 * numpy's float64 reductions, reproduced operation for operation: `np.sum`
 * adds pairwise (blocks of 128 with eight running sums), so a naive loop
 * would differ in the last bits of means and standard deviations.
 */
export function pairwiseSum(values: ArrayLike<number>, start: number, count: number): number {
  if (count < 8) {
    let sum = 0;
    for (let k = 0; k < count; k++) sum += values[start + k];
    return sum;
  }
  if (count <= 128) {
    let r0 = values[start], r1 = values[start + 1], r2 = values[start + 2], r3 = values[start + 3];
    let r4 = values[start + 4], r5 = values[start + 5], r6 = values[start + 6], r7 = values[start + 7];
    const whole = count - (count % 8);
    let k = 8;
    for (; k < whole; k += 8) {
      r0 += values[start + k];
      r1 += values[start + k + 1];
      r2 += values[start + k + 2];
      r3 += values[start + k + 3];
      r4 += values[start + k + 4];
      r5 += values[start + k + 5];
      r6 += values[start + k + 6];
      r7 += values[start + k + 7];
    }
    let sum = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; k < count; k++) sum += values[start + k];
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/** `np.mean` of `count` values from `start`. */
export function mean(values: ArrayLike<number>, start: number, count: number): number {
  return (0 + pairwiseSum(values, start, count)) / count;
}

/**
 * `np.std(values, ddof=0)`; `scratch` (at least `count` long) holds the
 * squared deviations so that no array is allocated per call.
 */
export function std(values: ArrayLike<number>, start: number, count: number, scratch: Float64Array): number {
  const m = mean(values, start, count);
  for (let k = 0; k < count; k++) {
    const d = values[start + k] - m;
    scratch[k] = d * d;
  }
  return Math.sqrt((0 + pairwiseSum(scratch, 0, count)) / count);
}
