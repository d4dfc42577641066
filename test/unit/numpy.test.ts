/**
 * numpy's float64 reductions and its linear percentile.
 *
 * np.add.reduce starts from 0.0 and adds `pairwise_sum` of the data
 * (numpy/_core/src/umath/loops_utils.h.src): below 8 values a plain loop;
 * up to 128 (PW_BLOCKSIZE) eight partial sums r[0..7] over strides of 8,
 * combined as ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)), then the remainder
 * added one by one; above 128 the count is halved, rounded down to a
 * multiple of 8, and both halves summed recursively. np.mean divides that
 * sum by n; np.std (ddof=0) is sqrt(sum((x - mean)**2) / n) with the same
 * sums. np.percentile (method 'linear') uses virtual index (n-1)*q and
 * numpy's _lerp, which computes b - (b-a)*(1-t) when t >= 0.5.
 */
import { describe, expect, it } from 'vitest';
import { mean, pairwiseSum, std } from '../../runtime/kernels/numpy.js';
import { linearPercentile, rollingPercentile } from '../../runtime/kernels/rolling.js';

const N = Number.NaN;

/** numpy's pairwise_sum, written from the algorithm described above. */
function referencePairwise(a: readonly number[]): number {
  const n = a.length;
  if (n < 8) {
    let res = 0;
    for (const x of a) res += x;
    return res;
  }
  if (n <= 128) {
    const r = a.slice(0, 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[i + j]!;
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return referencePairwise(a.slice(0, n2)) + referencePairwise(a.slice(n2));
}

function naiveSum(a: readonly number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

describe('pairwiseSum', () => {
  it('small exact sums, with start and count', () => {
    expect(pairwiseSum([1, 2, 3], 0, 3)).toBe(6);
    expect(pairwiseSum([100, 1, 2, 3, 100], 1, 3)).toBe(6);
    expect(pairwiseSum([5], 0, 0)).toBe(0);
    // 1..16: 136 in any order
    expect(pairwiseSum(Array.from({ length: 16 }, (_, k) => k + 1), 0, 16)).toBe(136);
  });

  it('nine values: eight partial sums, then the ninth', () => {
    // [1e16, 1 x 8]: ((1e16+1)+(1+1)) = 1e16+2 (1e16+1 ties to even 1e16), + ((1+1)+(1+1)) = 1e16+6,
    // + 1 = 1e16+7 -> ties to even 1e16+8. Left to right each 1e16+1 ties back to 1e16.
    const a = [1e16, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(pairwiseSum(a, 0, 9)).toBe(1.0000000000000008e16);
    expect(naiveSum(a)).toBe(1e16);
  });

  it('200 values: differs from left-to-right, equals numpy\'s algorithm', () => {
    // 200 -> 96 + 104, each summed with 8 partial sums (python3 reimplementation agrees):
    // 200 x 0.1 sums to 20 exactly pairwise, to 20.000000000000014 left to right
    const tenths = Array.from({ length: 200 }, () => 0.1);
    expect(naiveSum(tenths)).toBe(20.000000000000014);
    expect(pairwiseSum(tenths, 0, 200)).toBe(20);
    expect(referencePairwise(tenths)).toBe(20);

    // harmonic terms 1/1 .. 1/200: 5.878030948121444 pairwise, 5.878030948121446 left to right
    const harmonic = Array.from({ length: 200 }, (_, k) => 1 / (k + 1));
    const ours = pairwiseSum(harmonic, 0, 200);
    expect(ours).not.toBe(naiveSum(harmonic));
    expect(ours).toBe(referencePairwise(harmonic));
    expect(ours).toBe(5.878030948121444);
    // the split is 96 + 104, not 100 + 100
    expect(ours).toBe(referencePairwise(harmonic.slice(0, 96)) + referencePairwise(harmonic.slice(96)));
  });

  it('deep recursion and an offset window agree with the reference', () => {
    // deterministic irregular values, 1203 of them (several levels of halving, odd remainders)
    const values = Array.from({ length: 1203 }, (_, k) => Math.sin(k * 12.9898) * 43758.5453 + k / 7);
    expect(pairwiseSum(values, 0, 1203)).toBe(referencePairwise(values));
    expect(pairwiseSum(values, 101, 1000)).toBe(referencePairwise(values.slice(101, 1101)));
    expect(pairwiseSum(Float64Array.from(values), 3, 129)).toBe(referencePairwise(values.slice(3, 132)));
  });
});

describe('mean and std', () => {
  it('mean = pairwise sum / n', () => {
    expect(mean([1, 2, 3, 4], 0, 4)).toBe(2.5);
    // 20 / 200 = 0.1 exactly; a left-to-right sum would give 20.000000000000014 / 200
    const tenths = Array.from({ length: 200 }, () => 0.1);
    expect(mean(tenths, 0, 200)).toBe(0.1);
    expect(naiveSum(tenths) / 200).not.toBe(0.1);
  });

  it('population std', () => {
    const scratch = new Float64Array(16);
    // [1,2,3,4]: mean 2.5, squared deviations 2.25+0.25+0.25+2.25 = 5, /4 = 1.25
    expect(std([1, 2, 3, 4], 0, 4, scratch)).toBe(Math.sqrt(1.25));
    // [2,4,4,4,5,5,7,9]: mean 5, squared deviations sum 32, /8 = 4 -> 2
    expect(std([2, 4, 4, 4, 5, 5, 7, 9], 0, 8, scratch)).toBe(2);
    expect(std([3, 3, 3], 0, 3, scratch)).toBe(0);
    // a window inside a longer array
    expect(std([100, 1, 2, 3, 4, -100], 1, 4, scratch)).toBe(Math.sqrt(1.25));
  });

  it('std of 200 values uses pairwise sums for both the mean and the squares', () => {
    const values = Array.from({ length: 200 }, (_, k) => 1 / (k + 1));
    const m = referencePairwise(values) / 200;
    const expected = Math.sqrt(referencePairwise(values.map((x) => (x - m) * (x - m))) / 200);
    expect(std(values, 0, 200, new Float64Array(200))).toBe(expected);
  });
});

describe('linearPercentile (sorted input)', () => {
  const sorted = (...v: number[]) => Float64Array.from(v);

  it('interpolates at virtual index (n-1)*q', () => {
    // [1,2,3,4]: q .25 -> index .75 -> 2 - 1*.25 = 1.75 ; q .5 -> 1.5 -> 2.5 ; ends
    expect(linearPercentile(sorted(1, 2, 3, 4), 4, 0.25)).toBe(1.75);
    expect(linearPercentile(sorted(1, 2, 3, 4), 4, 0.5)).toBe(2.5);
    expect(linearPercentile(sorted(1, 2, 3, 4), 4, 0)).toBe(1);
    expect(linearPercentile(sorted(1, 2, 3, 4), 4, 1)).toBe(4);
    // [10,20]: q .2 -> 10 + 10*.2 = 12 ; q .8 -> 20 - 10*.2 = 18
    expect(linearPercentile(sorted(10, 20), 2, 0.2)).toBe(12);
    expect(linearPercentile(sorted(10, 20), 2, 0.8)).toBe(18);
    // one value
    expect(linearPercentile(sorted(7), 1, 0.2)).toBe(7);
  });

  it('reads only the first `size` values', () => {
    expect(linearPercentile(sorted(1, 2, 3, 99), 3, 1)).toBe(3);
    expect(linearPercentile(sorted(1, 3, 99, 99), 2, 0.5)).toBe(2);
  });

  it('uses numpy\'s _lerp: b - (b-a)*(1-t) for t >= 0.5', () => {
    // [0, 0.1] at q .7: 0.1 - 0.1*0.30000000000000004 = 0.07, while 0 + 0.1*0.7 = 0.06999999999999999
    expect(linearPercentile(sorted(0, 0.1), 2, 0.7)).toBe(0.07);
    expect(0 + 0.1 * 0.7).toBe(0.06999999999999999);
  });

  // At or past the last index numpy does not return the last value directly.
  // _get_indexes sets previous = next = -1 and _lerp(a=inf, b=inf, t) computes
  // b - (b - a)*(1 - t) = inf - nan = nan, so np.percentile([1, inf], 100) and
  // np.percentile([inf], 20) are nan; finite values are unaffected (b - 0*(1-t) = b).
  it('an infinite last value at the top index gives NaN, as numpy\'s _lerp does', () => {
    expect(linearPercentile(sorted(1, Infinity), 2, 1)).toBeNaN();
    expect(linearPercentile(sorted(Infinity), 1, 0.2)).toBeNaN();
  });
});

describe('rollingPercentile', () => {
  it('non-NaN values among the last `window` bars, fewer at the start, NaN below minCount', () => {
    // window 4, q 50, minCount 2:
    // bar0 []  bar1 [4]  bar2 [1,4] -> 2.5  bar3 [1,3,4] -> 3  bar4 [1,2,3,4] -> 2.5
    // bar5 bars 2..5 [1,2,3] -> 2  bar6 bars 3..6 [2,3,10] -> 3
    const out = rollingPercentile(Float64Array.from([N, 4, 1, 3, 2, N, 10]), 4, 50, 2);
    expect(Array.from(out)).toEqual([N, N, 2.5, 3, 2.5, 2, 3]);
  });

  it('q 20 with minCount 1', () => {
    // bar0 [5] -> 5 ; bar1 [1,5] index .2 -> 1.8 ; bar2 [1,3,5] index .4 -> 1.8 ; bar3 [1,2,3] -> 1.4
    const out = rollingPercentile(Float64Array.from([5, 1, 3, 2]), 3, 20, 1);
    expect(Array.from(out)).toEqual([5, 1.8, 1.8, 1.4]);
  });

  it('duplicates leave and enter the window correctly', () => {
    // window 2, q 100 (the max): [2] [2,2] [2,2] [2,1] [1,1] [1,3]
    const out = rollingPercentile(Float64Array.from([2, 2, 2, 1, 1, 3]), 2, 100, 1);
    expect(Array.from(out)).toEqual([2, 2, 2, 2, 1, 3]);
  });
});
