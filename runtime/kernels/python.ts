/** Python's `max(a, b)`: the first argument unless the second is greater (NaN never is). */
export function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/** Python's `min(a, b)`: the first argument unless the second is smaller. */
export function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}
