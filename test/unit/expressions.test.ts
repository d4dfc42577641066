/**
 * The `expr` condition form (docs/registry.md, "The expression form"):
 * every number and predicate construct against hand-computed values, with
 * IEEE-754 semantics as in the Python closures it replaces (a comparison
 * with NaN is false, `!=` true; Python's max/min keep the first argument
 * unless the second compares greater/smaller).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRegistry } from '../../compiler/registry/validate.js';
import { evaluateCondition } from '../support/condition-harness.js';

const T = true;
const F = false;
const N = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

/** Evaluates `{"type": "expr", "when": when}` bar by bar. */
const when = (pred: unknown, columns: Record<string, ArrayLike<number>>) => evaluateCondition({ type: 'expr', when: pred }, columns);

describe('numbers', () => {
  it('a constant and a column at the current bar', () => {
    expect(when({ cmp: '>', a: 'close', b: 2.5 }, { close: [2, 2.5, 3, N] })).toEqual([F, F, T, F]);
    expect(when({ cmp: '<', a: 1, b: 'close' }, { close: [0, 1, 2] })).toEqual([F, F, T]);
  });

  it('a lagged column read {col, lag}', () => {
    // close > close[i-1] from bar 1: 2>1; 2>2 no; 3>2
    const pred = { all: [{ min_bars: 1 }, { cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }] };
    expect(when(pred, { close: [1, 2, 2, 3] })).toEqual([F, T, F, T]);
  });

  it('add, sub, mul, div in the order written', () => {
    const cols = { close: [0.1], open: [0.2], high: [0.3] };
    const add = (a: unknown, b: unknown) => ({ op: 'add', args: [a, b] });
    // (0.1 + 0.2) + 0.3 = 0.6000000000000001 but 0.1 + (0.2 + 0.3) = 0.6 in doubles
    expect(when({ cmp: '==', a: add(add('close', 'open'), 'high'), b: 0.6000000000000001 }, cols)).toEqual([T]);
    expect(when({ cmp: '==', a: add('close', add('open', 'high')), b: 0.6 }, cols)).toEqual([T]);
    expect(when({ cmp: '==', a: add(add('close', 'open'), 'high'), b: 0.6 }, cols)).toEqual([F]);
    // 5 - 3 = 2 (not 3 - 5); 3 * 4 = 12; 6 / 4 = 1.5 (not 4 / 6)
    const ints = { close: [5], open: [3], high: [6], low: [4] };
    expect(when({ cmp: '==', a: { op: 'sub', args: ['close', 'open'] }, b: 2 }, ints)).toEqual([T]);
    expect(when({ cmp: '==', a: { op: 'mul', args: ['open', 'low'] }, b: 12 }, ints)).toEqual([T]);
    expect(when({ cmp: '==', a: { op: 'div', args: ['high', 'low'] }, b: 1.5 }, ints)).toEqual([T]);
  });

  it('division by zero gives infinities and NaN, as IEEE doubles do', () => {
    const ratio = { op: 'div', args: ['close', 'open'] };
    // 1/0 = inf (not NaN, not finite); 0/0 = NaN; 1/2 = 0.5
    const cols = { close: [1, 0, 1], open: [0, 0, 2] };
    expect(when({ not_nan: [ratio] }, cols)).toEqual([T, F, T]);
    expect(when({ finite: [ratio] }, cols)).toEqual([F, F, T]);
    expect(when({ cmp: '>', a: ratio, b: 1e308 }, cols)).toEqual([T, F, F]);
  });

  it('max and min follow Python: the first argument unless the second compares greater/smaller', () => {
    const max = { op: 'max', args: ['close', 'open'] };
    const min = { op: 'min', args: ['close', 'open'] };
    // max(3,2)=3, max(2,3)=3; max(NaN,1)=NaN (1 > NaN is false), max(1,NaN)=1
    expect(when({ cmp: '==', a: max, b: 3 }, { close: [3, 2], open: [2, 3] })).toEqual([T, T]);
    expect(when({ not_nan: [max] }, { close: [N, 1], open: [1, N] })).toEqual([F, T]);
    expect(when({ cmp: '==', a: max, b: 1 }, { close: [N, 1], open: [1, N] })).toEqual([F, T]);
    // min(3,2)=2, min(2,3)=2; min(NaN,1)=NaN, min(1,NaN)=1
    expect(when({ cmp: '==', a: min, b: 2 }, { close: [3, 2], open: [2, 3] })).toEqual([T, T]);
    expect(when({ not_nan: [min] }, { close: [N, 1], open: [1, N] })).toEqual([F, T]);
    expect(when({ cmp: '==', a: min, b: 1 }, { close: [N, 1], open: [1, N] })).toEqual([F, T]);
  });

  it('abs', () => {
    // |-2| = 2, |2| = 2, |NaN| = NaN, |-3| = 3
    expect(when({ cmp: '==', a: { op: 'abs', args: ['close'] }, b: 2 }, { close: [-2, 2, N, -3] })).toEqual([T, T, F, F]);
  });
});

describe('rolling numbers', () => {
  const mean3 = { rolling: 'mean', of: 'trix_15', window: 3, lag: 0 };

  it('mean: NaN while the window is incomplete or holds a NaN', () => {
    // trix 1,2,3,4,NaN,5,6,7 ; mean of 3: NaN, NaN, 2, 3, NaN, NaN, NaN (bars 4..6 hold the NaN), 6
    const trix_15 = [1, 2, 3, 4, N, 5, 6, 7];
    expect(when({ not_nan: [mean3] }, { trix_15 })).toEqual([F, F, T, T, F, F, F, T]);
    // the mean of three consecutive integers is the middle one: trix - 1
    expect(when({ cmp: '==', a: mean3, b: { op: 'sub', args: ['trix_15', 1] } }, { trix_15 })).toEqual([F, F, T, T, F, F, F, T]);
  });

  it('mean: lag reads the series of means lag bars back', () => {
    // means: NaN, NaN, 2, 3, 4 ; lag 1 at bar 3 -> 2, at bar 4 -> 3
    const lagged = { all: [{ min_bars: 1 }, { cmp: '==', a: { ...mean3, lag: 1 }, b: { op: 'sub', args: ['trix_15', 2] } }] };
    expect(when(lagged, { trix_15: [1, 2, 3, 4, 5] })).toEqual([F, F, F, T, T]);
  });

  it('mean: summed pairwise as numpy does, not left to right', () => {
    // window 9 over [1e16, 1 x 8]: numpy's pairwise sum starts 8 partial sums r0..r7 = a0..a7,
    // adds ((r0+r1)+(r2+r3)) + ((r4+r5)+(r6+r7)): 1e16+1 ties to even 1e16, + 2 -> 1e16+2, + 4 -> 1e16+6,
    // then + a8 -> 1e16+7 ties to even 1e16+8. Left to right, every 1e16+1 ties back to 1e16.
    // mean: 1.0000000000000008e16 / 9 = 1111111111111112 ; 1e16 / 9 = 1111111111111111.1
    const trix_15 = [1e16, 1, 1, 1, 1, 1, 1, 1, 1];
    const mean9 = { rolling: 'mean', of: 'trix_15', window: 9, lag: 0 };
    expect(when({ cmp: '==', a: mean9, b: 1111111111111112 }, { trix_15 })[8]).toBe(true);
    expect(when({ cmp: '==', a: mean9, b: 1111111111111111.1 }, { trix_15 })[8]).toBe(false);
  });

  it('min and max over a window: NaN while incomplete or holding a NaN', () => {
    // close 3,1,2,5,NaN,4,6,7 window 3 -> min NaN,NaN,1,1,NaN,NaN,NaN,4 ; max NaN,NaN,3,5,NaN,NaN,NaN,7
    const close = [3, 1, 2, 5, N, 4, 6, 7];
    const min3 = { rolling: 'min', of: 'close', window: 3, lag: 0 };
    const max3 = { rolling: 'max', of: 'close', window: 3, lag: 0 };
    expect(when({ not_nan: [min3] }, { close })).toEqual([F, F, T, T, F, F, F, T]);
    expect(when({ cmp: '==', a: min3, b: 1 }, { close })).toEqual([F, F, T, T, F, F, F, F]);
    expect(when({ cmp: '==', a: min3, b: 4 }, { close })).toEqual([F, F, F, F, F, F, F, T]);
    expect(when({ cmp: '==', a: max3, b: 'close' }, { close })).toEqual([F, F, F, T, F, F, F, T]);
    expect(when({ cmp: '==', a: max3, b: 3 }, { close })).toEqual([F, F, T, F, F, F, F, F]);
  });

  it('a rolling window over an expression, read a bar back (the inside-bar pattern)', () => {
    // ranges 4,3,2,5 ; min of 2 ranges, lag 1: bar2 min(4,3)=3, bar3 min(3,2)=2
    const prevMin = { rolling: 'min', of: { op: 'sub', args: ['high', 'low'] }, window: 2, lag: 1 };
    const cols = { high: [14, 13, 12, 15], low: [10, 10, 10, 10] };
    expect(when({ all: [{ min_bars: 1 }, { cmp: '==', a: prevMin, b: 3 }] }, cols)).toEqual([F, F, T, F]);
    expect(when({ all: [{ min_bars: 1 }, { cmp: '==', a: prevMin, b: 2 }] }, cols)).toEqual([F, F, F, T]);
  });

  it('a rolling input reading before bar 0 is NaN there', () => {
    // input = close[j-1]: NaN, 1, 3, 5 ; mean of 2: NaN, NaN, 2, 4
    const m = { rolling: 'mean', of: { col: 'close', lag: 1 }, window: 2, lag: 0 };
    expect(when({ not_nan: [m] }, { close: [1, 3, 5, 7] })).toEqual([F, F, T, T]);
    expect(when({ cmp: '==', a: m, b: { op: 'sub', args: ['close', 3] } }, { close: [1, 3, 5, 7] })).toEqual([F, F, T, T]);
  });

  it('percentile: numpy linear over the non-NaN values of the last window bars, fewer at the start', () => {
    // window 4, q 50, min_count 2 over atr NaN,4,1,3,2,NaN,10 (expected values ride in stddev_20)
    // bar0 []           -> NaN (0 < 2)
    // bar1 [4]          -> NaN (1 < 2)
    // bar2 [1,4]        -> virtual (2-1)*0.5 = 0.5 -> 4 - 3*(1-0.5) = 2.5
    // bar3 [1,3,4]      -> virtual 1 -> 3
    // bar4 [1,2,3,4]    -> virtual 1.5 -> 3 - 1*0.5 = 2.5
    // bar5 [1,2,3]      -> 2   (bars 2..5, NaN dropped)
    // bar6 [2,3,10]     -> 3   (bars 3..6)
    const atr_14 = [N, 4, 1, 3, 2, N, 10];
    const expected = [N, N, 2.5, 3, 2.5, 2, 3];
    const p = { rolling: 'percentile', of: 'atr_14', window: 4, q: 50, min_count: 2, lag: 0 };
    expect(when({ not_nan: [p] }, { atr_14 })).toEqual([F, F, T, T, T, T, T]);
    expect(when({ cmp: '==', a: p, b: 'stddev_20' }, { atr_14, stddev_20: expected })).toEqual([F, F, T, T, T, T, T]);
  });

  it('percentile q 20 interpolates between neighbours', () => {
    // [10, 20, 30] q 20: virtual 2*0.2 = 0.4 -> 10 + 10*0.4 = 14 ; [10, 20] q 20: 0.2 -> 12
    const p = { rolling: 'percentile', of: 'atr_14', window: 3, q: 20, min_count: 2, lag: 0 };
    expect(when({ cmp: '==', a: p, b: 12 }, { atr_14: [10, 20, 30] })).toEqual([F, T, F]);
    expect(when({ cmp: '==', a: p, b: 14 }, { atr_14: [10, 20, 30] })).toEqual([F, F, T]);
  });
});

describe('comparisons', () => {
  // (close, open): (1,2) (2,2) (3,2) (NaN,2) (2,NaN)
  const cols = { close: [1, 2, 3, N, 2], open: [2, 2, 2, 2, N] };
  const cmp = (op: string) => when({ cmp: op, a: 'close', b: 'open' }, cols);

  it('all six operators; NaN makes every one false except !=', () => {
    expect(cmp('>')).toEqual([F, F, T, F, F]);
    expect(cmp('>=')).toEqual([F, T, T, F, F]);
    expect(cmp('<')).toEqual([T, F, F, F, F]);
    expect(cmp('<=')).toEqual([T, T, F, F, F]);
    expect(cmp('==')).toEqual([F, T, F, F, F]);
    expect(cmp('!=')).toEqual([T, F, T, T, T]);
  });
});

describe('logic', () => {
  const close = [0, 2, 3, N];

  it('all, any, not', () => {
    // 1 < close < 3: 2 only
    expect(when({ all: [{ cmp: '>', a: 'close', b: 1 }, { cmp: '<', a: 'close', b: 3 }] }, { close })).toEqual([F, T, F, F]);
    // close < 1 or close >= 3
    expect(when({ any: [{ cmp: '<', a: 'close', b: 1 }, { cmp: '>=', a: 'close', b: 3 }] }, { close })).toEqual([T, F, T, F]);
    // not(close > 1): NaN > 1 is false, so its negation holds on the NaN bar
    expect(when({ not: { cmp: '>', a: 'close', b: 1 } }, { close })).toEqual([T, F, F, T]);
  });

  it('finite refuses infinities, not_nan accepts them', () => {
    const c = { close: [1, INF, -INF, N] };
    expect(when({ finite: ['close'] }, c)).toEqual([T, F, F, F]);
    expect(when({ not_nan: ['close'] }, c)).toEqual([T, T, T, F]);
    // every value must pass
    expect(when({ finite: ['close', 'open'] }, { close: [1, 1], open: [1, INF] })).toEqual([T, F]);
  });

  it('min_bars: i >= N', () => {
    expect(when({ min_bars: 2 }, { close: [1, 1, 1, 1] })).toEqual([F, F, T, T]);
    expect(when({ min_bars: 0 }, { close: [1, 1] })).toEqual([T, T]);
  });

  it('votes: at least k of the predicates', () => {
    // close > 1, > 2, > 3 : counts 0,1,2,3,0
    const votes = { votes: [1, 2, 3].map((b) => ({ cmp: '>', a: 'close', b })), at_least: 2 };
    expect(when(votes, { close: [1, 2, 3, 4, N] })).toEqual([F, F, T, T, F]);
  });
});

describe('quantifiers over lags', () => {
  const up = { cmp: '>', a: 'close', b: 'open' };

  it('every: the predicate holds at each lag a..b', () => {
    // close>open: T,T,T,F,T,T,T ; every lags 0..2 (from bar 2): bar2 T; bars 3..5 include bar3; bar6 T
    const cols = { close: [2, 2, 2, 0, 2, 2, 2], open: [1, 1, 1, 1, 1, 1, 1] };
    expect(when({ all: [{ min_bars: 2 }, { every: up, lags: [0, 2] }] }, cols)).toEqual([F, F, T, F, F, F, T]);
  });

  it('some: at least one lag', () => {
    // close>open: T,F,F,F,T,F,F ; some lags 1..2 (from bar 2): bar2 (bar0) T; bar3 F; bar4 F; bar5 (bar4) T; bar6 (bar4) T
    const cols = { close: [2, 0, 0, 0, 2, 0, 0], open: [1, 1, 1, 1, 1, 1, 1] };
    expect(when({ all: [{ min_bars: 2 }, { some: up, lags: [1, 2] }] }, cols)).toEqual([F, F, T, F, F, T, T]);
  });

  it('count: at least k lags', () => {
    // close>open: T,F,T,F,F,T,T ; lags 0..3 from bar 3: bar3 2; bar4 1; bar5 2; bar6 2
    const cols = { close: [2, 0, 2, 0, 0, 2, 2], open: [1, 1, 1, 1, 1, 1, 1] };
    expect(when({ all: [{ min_bars: 3 }, { count: up, lags: [0, 3], at_least: 2 }] }, cols)).toEqual([F, F, F, T, F, T, T]);
  });

  it('a lagged read inside a quantifier adds the two lags', () => {
    // every lag 0..1 of close > close[-1]: three rising closes: bar2 [1,2,3]; bar3 [2,3,3] no; bar4 [3,3,4] no
    const rising = { every: { cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }, lags: [0, 1] };
    expect(when({ all: [{ min_bars: 2 }, rising] }, { close: [1, 2, 3, 3, 4] })).toEqual([F, F, T, F, F]);
  });
});

describe('the registry rejects a lagged read without a min_bars guard', () => {
  const registryPath = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'strategies.json');
  const registry = JSON.parse(readFileSync(registryPath, 'utf8')) as Record<string, unknown>[];
  const base = registry.find((s) => s.id === 1)!;
  const withEntry = (condition: unknown) => [{ ...base, entry_long: [condition, ...(base.entry_long as unknown[]).slice(1)] }];

  it('accepts the strategy as it is and with a guarded read', () => {
    expect(validateRegistry([base]).ok).toBe(true);
    const guarded = { type: 'expr', when: { all: [{ min_bars: 1 }, { cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }] } };
    expect(validateRegistry(withEntry(guarded)).ok).toBe(true);
  });

  it('rejects an unguarded read, naming its path', () => {
    const lag = { col: 'close', lag: 1 };
    const result = validateRegistry(withEntry({ type: 'expr', when: { cmp: '>', a: 'close', b: lag } }));
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          strategy: '1',
          path: 'entry_long[0].when.b',
          value: lag,
          message: 'reads 1 bar(s) back without a preceding {"min_bars": 1} in an enclosing "all"',
        },
      ],
    });
  });

  it('a guard after the read, or too small, does not count', () => {
    const late = validateRegistry(withEntry({ type: 'expr', when: { all: [{ cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }, { min_bars: 1 }] } }));
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.errors.map((e) => e.path)).toEqual(['entry_long[0].when.all[0].b']);

    const small = validateRegistry(withEntry({ type: 'expr', when: { all: [{ min_bars: 1 }, { finite: ['close', { col: 'close', lag: 2 }] }] } }));
    expect(small.ok).toBe(false);
    if (!small.ok) {
      expect(small.errors.map((e) => [e.path, e.message])).toEqual([
        ['entry_long[0].when.all[1].finite[1]', 'reads 2 bar(s) back without a preceding {"min_bars": 2} in an enclosing "all"'],
      ]);
    }
  });

  it('a quantifier reads as far back as its last lag', () => {
    // every over lags 0..2 reads 2 bars back; min_bars 1 is not enough for either operand
    const result = validateRegistry(
      withEntry({ type: 'expr', when: { all: [{ min_bars: 1 }, { every: { cmp: '>', a: 'close', b: 'open' }, lags: [0, 2] }] } }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['entry_long[0].when.all[1].every.a', 'entry_long[0].when.all[1].every.b']);
  });
});
