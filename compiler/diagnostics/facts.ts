import { resolveColumn } from '../registry/columns.js';

/**
 * Orderings between columns that hold on every bar of valid data, used to
 * prove that a comparison can never be true. Each edge says `low <= high`
 * together with the reason, so a diagnostic can explain itself.
 */
interface Edge {
  readonly low: string;
  readonly high: string;
  readonly why: string;
}

const EDGES: readonly Edge[] = [
  { low: 'close', high: 'high', why: 'a close never exceeds its bar high' },
  { low: 'open', high: 'high', why: 'an open never exceeds its bar high' },
  { low: 'low', high: 'close', why: 'a close is never below its bar low' },
  { low: 'low', high: 'open', why: 'an open is never below its bar low' },
  { low: 'high', high: 'donchian_high_20', why: 'donchian_high_20 is the highest high of the last 20 bars, this bar included' },
  { low: 'high', high: 'donchian_high_10', why: 'donchian_high_10 is the highest high of the last 10 bars, this bar included' },
  { low: 'donchian_low_20', high: 'low', why: 'donchian_low_20 is the lowest low of the last 20 bars, this bar included' },
  { low: 'donchian_low_10', high: 'low', why: 'donchian_low_10 is the lowest low of the last 10 bars, this bar included' },
  { low: 'obv', high: 'obv_high_20', why: 'obv_high_20 is the highest OBV of the last 20 bars, this bar included' },
  { low: 'obv_low_20', high: 'obv', why: 'obv_low_20 is the lowest OBV of the last 20 bars, this bar included' },
];

/** Why `a <= b` holds on every bar, or undefined when that is not known. */
export function alwaysAtMost(first: string, second: string): string | undefined {
  const a = resolveColumn(first) ?? first;
  const b = resolveColumn(second) ?? second;
  if (a === b) return undefined;
  const seen = new Set<string>([a]);
  const queue: { col: string; reasons: string[] }[] = [{ col: a, reasons: [] }];
  while (queue.length > 0) {
    const { col, reasons } = queue.shift()!;
    for (const edge of EDGES) {
      if (edge.low !== col || seen.has(edge.high)) continue;
      const next = [...reasons, edge.why];
      if (edge.high === b) return next.join('; ');
      seen.add(edge.high);
      queue.push({ col: edge.high, reasons: next });
    }
  }
  return undefined;
}

/** Why `a > b` can never hold on the same bar, or undefined. */
export function neverAbove(a: string, b: string): string | undefined {
  const why = alwaysAtMost(a, b);
  return why === undefined ? undefined : `${a} can never be above ${b} (${why})`;
}

/** Why `a < b` can never hold on the same bar, or undefined. */
export function neverBelow(a: string, b: string): string | undefined {
  const why = alwaysAtMost(b, a);
  return why === undefined ? undefined : `${a} can never be below ${b} (${why})`;
}
