/**
 * Which points of a long curve to draw: the first and the last, and in
 * each of the buckets between them the lowest and the highest point, in
 * their order. Every bucket's extremes survive, so the curve's peaks,
 * troughs and drawdowns stay where they are; what goes is the wiggle
 * between them, which a few hundred pixels cannot show anyway.
 *
 * Returns ascending indices into `values`; all of them when there are at
 * most `limit` (at least 4).
 */
export function minMaxDownsample(values: ArrayLike<number>, limit: number): Uint32Array {
  const n = values.length;
  if (n <= limit) return Uint32Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((limit - 2) / 2));
  const inner = n - 2;
  const kept: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    if (lo === hi) kept.push(lo);
    else kept.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  kept.push(n - 1);
  return Uint32Array.from(kept);
}
