/**
 * The 29 condition types of the registry against hand-computed expectations.
 * The contract is the reference factory of each name in
 * /work/ref/src/strats_prob/conditions.py: `_safe` (finite) checks versus
 * `isna` (NaN only) checks, the `idx < k` guards and the window bounds are
 * all taken from there. Each comment shows the arithmetic per bar.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCondition, neverReason } from '../support/condition-harness.js';

const T = true;
const F = false;
const N = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

const run = evaluateCondition;

describe('crosses_above', () => {
  it('crosses a constant: previous <= b and current > b, never on bar 0', () => {
    // bar1: -1<=0 && 1>0; bar2: 1<=0 no; bar4: NaN; bar5: previous NaN
    expect(run({ type: 'crosses_above', col_a: 'rsi_14', col_b: 0 }, { rsi_14: [-1, 1, 2, -1, N, 1] })).toEqual([F, T, F, F, F, F]);
  });

  it('crosses a column; equality now is not a cross, equality before is', () => {
    // bar1: 1<=2 but 2>2 no; bar2: 2<=2 && 3>2; bar3: 3<=2 no
    expect(run({ type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_50' }, { ema_20: [1, 2, 3, 2], ema_50: [2, 2, 2, 2] })).toEqual([F, F, T, F]);
  });

  it('bar 0 never holds, whatever its values', () => {
    expect(run({ type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_50' }, { ema_20: [5], ema_50: [0] })).toEqual([F]);
  });

  it('any non-finite value of the four blocks it (_safe)', () => {
    // bar1: previous -inf <= 0 and 1 > 0 would hold, but -inf is not finite
    expect(run({ type: 'crosses_above', col_a: 'rsi_14', col_b: 0 }, { rsi_14: [-INF, 1] })).toEqual([F, F]);
    // bar1: 0 <= 0 and inf > 0, inf not finite
    expect(run({ type: 'crosses_above', col_a: 'rsi_14', col_b: 0 }, { rsi_14: [0, INF] })).toEqual([F, F]);
    // the level at bar i-1 is -inf: a <= b fails anyway; at bar 2 the level is NaN
    expect(run({ type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_50' }, { ema_20: [1, 3, 3], ema_50: [2, 2, N] })).toEqual([F, T, F]);
  });
});

describe('crosses_below', () => {
  it('crosses a constant', () => {
    // bar1: 1>=0 && -1<0; bar2: -1>=0 no; bar4 NaN; bar5 previous NaN
    expect(run({ type: 'crosses_below', col_a: 'rsi_14', col_b: 0 }, { rsi_14: [1, -1, -2, 1, N, -1] })).toEqual([F, T, F, F, F, F]);
  });

  it('equality on the previous bar counts, equality now does not', () => {
    // bar1: 0>=0 && -1<0; bar3: -1>=0 no; [2,2]: 2<2 no
    expect(run({ type: 'crosses_below', col_a: 'rsi_14', col_b: 0 }, { rsi_14: [0, -1, 0, 0] })).toEqual([F, T, F, F]);
    expect(run({ type: 'crosses_below', col_a: 'ema_20', col_b: 'ema_50' }, { ema_20: [3, 2], ema_50: [2, 2] })).toEqual([F, F]);
  });

  it('infinite values block it', () => {
    // inf >= 0 && -1 < 0 would hold
    expect(run({ type: 'crosses_below', col_a: 'rsi_14', col_b: 0 }, { rsi_14: [INF, -1] })).toEqual([F, F]);
  });
});

describe('above / below', () => {
  it('above a column: strict, both finite', () => {
    // 2>1; 1>1 no; NaN; inf>1 but not finite; ref NaN
    expect(run({ type: 'above', col: 'close', ref: 'sma_20' }, { close: [2, 1, N, INF, 3], sma_20: [1, 1, 1, 1, N] })).toEqual([T, F, F, F, F]);
  });

  it('above a number', () => {
    expect(run({ type: 'above', col: 'rsi_14', ref: 70 }, { rsi_14: [71, 70, N, INF] })).toEqual([T, F, F, F]);
  });

  it('below a column: strict, both finite', () => {
    // 0<1; 1<1 no; NaN; -inf<1 but not finite; ref NaN
    expect(run({ type: 'below', col: 'close', ref: 'sma_20' }, { close: [0, 1, N, -INF, 0], sma_20: [1, 1, 1, 1, N] })).toEqual([T, F, F, F, F]);
  });

  it('below a number, and a column at -inf against a finite value', () => {
    expect(run({ type: 'below', col: 'rsi_14', ref: 30 }, { rsi_14: [29, 30, N, -INF] })).toEqual([T, F, F, F]);
    expect(run({ type: 'below', col: 'close', ref: 'sma_20' }, { close: [1], sma_20: [INF] })).toEqual([F]);
  });
});

describe('rising / falling', () => {
  it('rising: bars+1 values strictly increasing, first possible at i = bars', () => {
    // bars=2: bar2 [1,2,3]; bar3 [2,3,3] no; bar4 [3,3,4] no; bar5 [3,4,5]; bar6 [4,5,6]
    expect(run({ type: 'rising', col: 'ema_20', bars: 2 }, { ema_20: [1, 2, 3, 3, 4, 5, 6] })).toEqual([F, F, T, F, F, T, T]);
  });

  it('rising: a NaN anywhere in the window blocks it, outside it does not', () => {
    // bar2 [1,NaN,3]; bar3 [NaN,3,4]; bar4 [3,4,5]
    expect(run({ type: 'rising', col: 'ema_20', bars: 2 }, { ema_20: [1, N, 3, 4, 5] })).toEqual([F, F, F, F, T]);
  });

  it('rising checks only isna: infinities are ordinary values', () => {
    // [1,2,inf]: 2>1, inf>2 -> true (crosses_above would refuse inf)
    expect(run({ type: 'rising', col: 'ema_20', bars: 2 }, { ema_20: [1, 2, INF] })).toEqual([F, F, T]);
    expect(run({ type: 'rising', col: 'ema_20', bars: 2 }, { ema_20: [-INF, 0, 1] })).toEqual([F, F, T]);
    // inf > inf is false
    expect(run({ type: 'rising', col: 'ema_20', bars: 1 }, { ema_20: [INF, INF] })).toEqual([F, F]);
  });

  it('falling: the mirror image', () => {
    // bar2 [6,5,4]; bar3 [5,4,4] no; bar4 [4,4,3] no; bar5 [4,3,2]; bar6 [3,2,1]
    expect(run({ type: 'falling', col: 'ema_20', bars: 2 }, { ema_20: [6, 5, 4, 4, 3, 2, 1] })).toEqual([F, F, T, F, F, T, T]);
    expect(run({ type: 'falling', col: 'ema_20', bars: 2 }, { ema_20: [5, N, 3, 2, 1] })).toEqual([F, F, F, F, T]);
  });

  it('falling checks only isna: infinities are ordinary values', () => {
    expect(run({ type: 'falling', col: 'ema_20', bars: 2 }, { ema_20: [1, 0, -INF] })).toEqual([F, F, T]);
    expect(run({ type: 'falling', col: 'ema_20', bars: 2 }, { ema_20: [INF, 1, 0] })).toEqual([F, F, T]);
  });
});

describe('all_of / any_of', () => {
  it('all_of: every sub-condition holds', () => {
    // close>1 && close<3: 0 no; 2 yes; 3 no; NaN no
    const c = { type: 'all_of', conditions: [{ type: 'above', col: 'close', ref: 1 }, { type: 'below', col: 'close', ref: 3 }] };
    expect(run(c, { close: [0, 2, 3, N] })).toEqual([F, T, F, F]);
  });

  it('all_of keeps each sub-condition\'s own history guard', () => {
    // rising(1): F,T,T,F ; above 2: F,F,T,T
    const c = { type: 'all_of', conditions: [{ type: 'rising', col: 'close', bars: 1 }, { type: 'above', col: 'close', ref: 2 }] };
    expect(run(c, { close: [1, 2, 3, 2.5] })).toEqual([F, F, T, F]);
  });

  it('any_of: at least one holds', () => {
    // close<1 || close>3: 0 yes; 2 no; 4 yes; NaN no
    const c = { type: 'any_of', conditions: [{ type: 'below', col: 'close', ref: 1 }, { type: 'above', col: 'close', ref: 3 }] };
    expect(run(c, { close: [0, 2, 4, N] })).toEqual([T, F, T, F]);
  });
});

describe('pullback_to / pullback_below', () => {
  // level 100, atr 2, tolerance 0.5 -> band of 0.5*2 = 1
  const level = [100, 100, 100, 100, 100, 100, 100];
  it('pullback_to: low <= level + tol*atr and close > level, all finite', () => {
    const cols = {
      low: [100.5, 101, 101.5, 100.5, 100.5, N, 100.5],
      close: [102, 102, 102, 100, 102, 102, 102],
      ema_20: level,
      // bar6: atr inf makes level+tol*atr = inf, so low <= inf would hold: only _safe refuses it
      atr_14: [2, 2, 2, 2, N, 2, INF],
    };
    // bar0 100.5<=101 & 102>100; bar1 101<=101 (boundary); bar2 101.5>101; bar3 close 100 not > 100;
    // bar4 atr NaN; bar5 low NaN; bar6 atr inf
    expect(run({ type: 'pullback_to', level_col: 'ema_20', tolerance_atr_mult: 0.5 }, cols)).toEqual([T, T, F, F, F, F, F]);
  });

  it('pullback_below: high >= level - tol*atr and close < level, all finite', () => {
    const cols = {
      high: [99.5, 99, 98.5, 99.5, 99.5, 99.5, 99.5],
      close: [98, 98, 98, 100, 98, N, 98],
      ema_20: level,
      atr_14: [2, 2, 2, 2, INF, 2, 2],
    };
    // bar0 99.5>=99 & 98<100; bar1 99>=99 (boundary); bar2 98.5<99; bar3 close 100 not < 100;
    // bar4 atr inf (level - inf = -inf, high >= -inf would hold); bar5 close NaN; bar6 as bar0
    expect(run({ type: 'pullback_below', level_col: 'ema_20', tolerance_atr_mult: 0.5 }, cols)).toEqual([T, T, F, F, F, F, T]);
  });
});

describe('bullish_divergence / bearish_divergence', () => {
  it('bullish: lower low and higher indicator than lookback bars ago', () => {
    // lookback 2: bar2 9<10 & 35>30; bar3 12<11 no; bar4 8<9 & 40>35
    const cols = { low: [10, 11, 9, 12, 8], rsi_14: [30, 31, 35, 30, 40] };
    expect(run({ type: 'bullish_divergence', indicator_col: 'rsi_14', lookback: 2 }, cols)).toEqual([F, F, T, F, T]);
  });

  it('bullish: non-finite values and equal indicator values', () => {
    // bar2: indicator 2 bars ago NaN; bar3: 9<10 but 30>30 is false
    expect(run({ type: 'bullish_divergence', indicator_col: 'rsi_14', lookback: 2 }, { low: [10, 10, 9, 9], rsi_14: [N, 30, 35, 30] })).toEqual([F, F, F, F]);
    // bar2: inf > 30 would hold but inf is not finite
    expect(run({ type: 'bullish_divergence', indicator_col: 'rsi_14', lookback: 2 }, { low: [10, 10, 9], rsi_14: [30, 30, INF] })).toEqual([F, F, F]);
  });

  it('bearish: higher high and lower indicator than lookback bars ago', () => {
    // bar2 11>10 & 65<70; bar3 8>9 no; bar4 12>11 & 60<65
    const cols = { high: [10, 9, 11, 8, 12], rsi_14: [70, 69, 65, 70, 60] };
    expect(run({ type: 'bearish_divergence', indicator_col: 'rsi_14', lookback: 2 }, cols)).toEqual([F, F, T, F, T]);
    // bar1 (lookback 1): high inf > 10 would hold, not finite
    expect(run({ type: 'bearish_divergence', indicator_col: 'rsi_14', lookback: 1 }, { high: [10, INF], rsi_14: [70, 60] })).toEqual([F, F]);
  });
});

describe('candle_bullish / candle_bearish', () => {
  it('bullish: finite and > 0', () => {
    expect(run({ type: 'candle_bullish', pattern_col: 'cdl_engulfing' }, { cdl_engulfing: [100, 0, -100, N, INF] })).toEqual([T, F, F, F, F]);
  });
  it('bearish: finite and < 0', () => {
    expect(run({ type: 'candle_bearish', pattern_col: 'cdl_engulfing' }, { cdl_engulfing: [-100, 0, 100, N, -INF] })).toEqual([T, F, F, F, F]);
  });
});

describe('consecutive_higher_closes / consecutive_lower_closes', () => {
  it('higher: count+1 closes strictly rising, first possible at i = count', () => {
    // count 3: bar3 [1,2,3,4]; bar4 [2,3,4,4]; bar5 [3,4,4,5]; bar6 [4,4,5,6]; bar7 [4,5,6,7]
    expect(run({ type: 'consecutive_higher_closes', count: 3 }, { close: [1, 2, 3, 4, 4, 5, 6, 7] })).toEqual([F, F, F, T, F, F, F, T]);
  });

  it('higher: NaN in the window blocks, infinity does not (isna only)', () => {
    // bar3 [NaN,1,2,3]; bar4 [1,2,3,4]
    expect(run({ type: 'consecutive_higher_closes', count: 3 }, { close: [N, 1, 2, 3, 4] })).toEqual([F, F, F, F, T]);
    expect(run({ type: 'consecutive_higher_closes', count: 3 }, { close: [1, 2, 3, INF] })).toEqual([F, F, F, T]);
  });

  it('lower: the mirror image', () => {
    expect(run({ type: 'consecutive_lower_closes', count: 3 }, { close: [8, 7, 6, 5, 5, 4, 3, 2] })).toEqual([F, F, F, T, F, F, F, T]);
    expect(run({ type: 'consecutive_lower_closes', count: 3 }, { close: [N, 3, 2, 1, 0] })).toEqual([F, F, F, F, T]);
    expect(run({ type: 'consecutive_lower_closes', count: 3 }, { close: [3, 2, 1, -INF] })).toEqual([F, F, F, T]);
  });
});

describe('squeeze', () => {
  it('current width <= minimum of the last lookback values; needs i >= lookback (not lookback-1)', () => {
    // lookback 3: bar2's window [5,4,3] is complete and 3 is its minimum, but the reference
    // demands idx >= lookback. bar3 [4,3,3.5] min 3 < 3.5; bar4 [3,3.5,2]; bar5 [3.5,2,2] tie; bar6 6
    expect(run({ type: 'squeeze', width_col: 'bb_width', lookback: 3 }, { bb_width: [5, 4, 3, 3.5, 2, 2, 6] })).toEqual([F, F, F, F, T, T, F]);
  });

  it('a NaN inside the window blocks it, one before the window does not', () => {
    // bar3 window bars1..3 [NaN,3,2]; bar4 [3,2,1]; bar5 [2,1,0.5]
    expect(run({ type: 'squeeze', width_col: 'bb_width', lookback: 3 }, { bb_width: [1, N, 3, 2, 1, 0.5] })).toEqual([F, F, F, F, T, T]);
  });

  it('isna only: infinite widths are compared as values', () => {
    // inf <= min(inf, inf, inf)
    expect(run({ type: 'squeeze', width_col: 'bb_width', lookback: 3 }, { bb_width: [INF, INF, INF, INF] })).toEqual([F, F, F, T]);
    expect(run({ type: 'squeeze', width_col: 'bb_width', lookback: 3 }, { bb_width: [0, 0, 0, -INF] })).toEqual([F, F, F, T]);
  });
});

describe('range_exceeds_atr', () => {
  it('high - low > multiplier * atr, range and atr finite', () => {
    // multiplier 1.5, atr 2 -> threshold 3. ranges 4, 3 (not strictly), 2, NaN high,
    // atr inf, range inf (inf > 3 would hold but is not finite)
    const cols = {
      high: [14, 13, 12, N, 14, INF],
      low: [10, 10, 10, 10, 10, 10],
      atr_14: [2, 2, 2, 2, INF, 2],
    };
    expect(run({ type: 'range_exceeds_atr', multiplier: 1.5 }, cols)).toEqual([T, F, F, F, F, F]);
  });
});

describe('narrowest_range', () => {
  it('current range <= every range of the last lookback bars, from i = lookback-1', () => {
    // ranges 4,3,2,2,2.5,1,5 ; lookback 3: bar2 [4,3,2] (first bar with enough history);
    // bar3 [3,2,2] tie; bar4 [2,2,2.5]; bar5 [2,2.5,1]; bar6 5
    const cols = { high: [14, 13, 12, 12, 12.5, 11, 15], low: [10, 10, 10, 10, 10, 10, 10] };
    expect(run({ type: 'narrowest_range', lookback: 3 }, cols)).toEqual([F, F, T, T, F, T, F]);
  });

  it('a NaN range inside the window blocks it', () => {
    // ranges 4,NaN,2,1,0.5: bar2 [4,NaN,2]; bar3 [NaN,2,1]; bar4 [2,1,0.5]
    const cols = { high: [14, N, 12, 11, 10.5], low: [10, 10, 10, 10, 10] };
    expect(run({ type: 'narrowest_range', lookback: 3 }, cols)).toEqual([F, F, F, F, T]);
  });

  it('lookback 1 holds on every bar with a range, bar 0 included', () => {
    expect(run({ type: 'narrowest_range', lookback: 1 }, { high: [14, N], low: [10, 10] })).toEqual([T, F]);
  });

  it('isna only: an infinite range equal to the minimum qualifies', () => {
    // ranges inf, inf: bar1 inf <= min(inf, inf)
    expect(run({ type: 'narrowest_range', lookback: 2 }, { high: [INF, INF], low: [10, 10] })).toEqual([F, T]);
  });
});

describe('breaks_above_level / breaks_below_level', () => {
  it('breaks_above_level: close[i-1] <= level[i-1] and close[i] > level[i]', () => {
    // bar1 10>10 no; bar2 10<=10 & 11>10; bar3 11<=10 no; bar4 12<=10 no; bar5 11<=11.5 & 12>11.5
    const cols = { close: [9, 10, 11, 12, 11, 12], sma_20: [10, 10, 10, 10, 11.5, 11.5] };
    expect(run({ type: 'breaks_above_level', level_col: 'sma_20' }, cols)).toEqual([F, F, T, F, F, T]);
  });

  it('breaks_above_level: NaN or infinite levels block it', () => {
    // bar1: previous level NaN; bar2: 9<=10 & 11>10
    expect(run({ type: 'breaks_above_level', level_col: 'sma_20' }, { close: [9, 9, 11], sma_20: [N, 10, 10] })).toEqual([F, F, T]);
    // bar1: 9 <= inf & 11 > 10 would hold, inf is not finite
    expect(run({ type: 'breaks_above_level', level_col: 'sma_20' }, { close: [9, 11], sma_20: [INF, 10] })).toEqual([F, F]);
  });

  it('breaks_below_level: close[i-1] >= level[i-1] and close[i] < level[i]', () => {
    // bar2 10>=10 & 9<10; bar5 9>=8.5 & 8<8.5
    const cols = { close: [11, 10, 9, 8, 9, 8], sma_20: [10, 10, 10, 10, 8.5, 8.5] };
    expect(run({ type: 'breaks_below_level', level_col: 'sma_20' }, cols)).toEqual([F, F, T, F, F, T]);
    expect(run({ type: 'breaks_below_level', level_col: 'sma_20' }, { close: [11, 9], sma_20: [-INF, 10] })).toEqual([F, F]);
  });

  it('neverReason: close can never exceed donchian_high_20, nothing is known about sma_20', () => {
    expect(neverReason({ type: 'breaks_above_level', level_col: 'donchian_high_20' })).toBe(
      'close can never be above donchian_high_20 (a close never exceeds its bar high; donchian_high_20 is the highest high of the last 20 bars, this bar included)',
    );
    expect(neverReason({ type: 'breaks_above_level', level_col: 'sma_20' })).toBeUndefined();
    expect(neverReason({ type: 'breaks_below_level', level_col: 'donchian_low_20' })).toBe(
      // the proof walks donchian_low_20 <= low <= close
      'close can never be below donchian_low_20 (donchian_low_20 is the lowest low of the last 20 bars, this bar included; a close is never below its bar low)',
    );
  });
});

describe('in_top_pct_of_range / in_bottom_pct_of_range', () => {
  it('top: (close-low)/(high-low) >= 1 - pct, high != low, all finite', () => {
    // pct 0.25 -> >= 0.75 with range 10: 7.5 (boundary, exact) ; 7.4 ; 10 ; flat bar ; NaN close ;
    // close inf -> inf >= 0.75 would hold but is not finite
    const cols = {
      high: [10, 10, 10, 5, 10, 10],
      low: [0, 0, 0, 5, 0, 0],
      close: [7.5, 7.4, 10, 5, N, INF],
    };
    expect(run({ type: 'in_top_pct_of_range', pct: 0.25 }, cols)).toEqual([T, F, T, F, F, F]);
  });

  it('bottom: (close-low)/(high-low) <= pct', () => {
    // 2.5 -> 0.25 (boundary); 2.6; 0; flat bar; close -inf
    const cols = {
      high: [10, 10, 10, 5, 10],
      low: [0, 0, 0, 5, 0],
      close: [2.5, 2.6, 0, 5, -INF],
    };
    expect(run({ type: 'in_bottom_pct_of_range', pct: 0.25 }, cols)).toEqual([T, F, T, F, F]);
  });
});

describe('gap_up / gap_down', () => {
  it('gap_up: open[i] > close[i-1] + m*atr[i]; never on bar 0', () => {
    // atr_mult 1, atr 2: bar0 open 100 has no previous close; bar1 12.5>12; bar2 12>12 no; bar3 11;
    // bar4: previous close 10 -> 20>12 (its own close NaN is irrelevant); bar5: previous close NaN;
    // bar6: open inf
    const cols = {
      open: [100, 12.5, 12, 11, 20, 20, INF],
      close: [10, 10, 10, 10, N, 10, 10],
      atr_14: [2, 2, 2, 2, 2, 2, 2],
    };
    expect(run({ type: 'gap_up', atr_mult: 1 }, cols)).toEqual([F, T, F, F, T, F, F]);
  });

  it('gap_up: ATR NaN blocks it', () => {
    expect(run({ type: 'gap_up', atr_mult: 1 }, { open: [10, 20], close: [10, 10], atr_14: [1, N] })).toEqual([F, F]);
  });

  it('gap_down: open[i] < close[i-1] - m*atr[i]', () => {
    // bar1 7.5<8; bar2 8<8 no; bar3 9; bar4 0<8; bar5 previous close NaN; bar6 open -inf
    const cols = {
      open: [0, 7.5, 8, 9, 0, 0, -INF],
      close: [10, 10, 10, 10, N, 10, 10],
      atr_14: [2, 2, 2, 2, 2, 2, 2],
    };
    expect(run({ type: 'gap_down', atr_mult: 1 }, cols)).toEqual([F, T, F, F, T, F, F]);
  });
});

describe('deviation_from', () => {
  // atr 1, atr_mult 2 -> threshold 2
  it('below: ref - col > m*atr, all finite', () => {
    // 10-7=3; 10-8=2 (not strictly); 10-7.9=2.0999999999999996; close NaN; atr NaN; close -inf
    const cols = { close: [7, 8, 7.9, N, 7, -INF], ema_20: [10, 10, 10, 10, 10, 10], atr_14: [1, 1, 1, 1, N, 1] };
    expect(run({ type: 'deviation_from', col: 'close', ref_col: 'ema_20', atr_mult: 2, direction: 'below' }, cols)).toEqual([T, F, T, F, F, F]);
  });

  it('above: col - ref > m*atr; a deviation below does not count', () => {
    // 13-10=3; 12-10=2; 12.1-10=2.0999999999999996; 7-10=-3; close inf
    const cols = { close: [13, 12, 12.1, 7, INF], ema_20: [10, 10, 10, 10, 10], atr_14: [1, 1, 1, 1, 1] };
    expect(run({ type: 'deviation_from', col: 'close', ref_col: 'ema_20', atr_mult: 2, direction: 'above' }, cols)).toEqual([T, F, T, F, F]);
  });
});

describe('was_below_then_crosses_above / was_above_then_crosses_below', () => {
  const up = (lookback: number) => ({ type: 'was_below_then_crosses_above', col: 'rsi_14', threshold: 30, lookback });
  const down = (lookback: number) => ({ type: 'was_above_then_crosses_below', col: 'rsi_14', threshold: 70, lookback });

  it('crosses above after a value below the threshold among bars i-lookback..i-1', () => {
    // lookback 3: bar3 30<=30<35 & window [25,28,30] has 25<30; bar4 29 no cross;
    // bar5 29<=30<31 & window bars2..4 [30,35,29] has 29
    expect(run(up(3), { rsi_14: [25, 28, 30, 35, 29, 31] })).toEqual([F, F, F, T, F, T]);
  });

  it('needs i >= lookback even when the cross happens earlier', () => {
    // bar1: 29<=30<31 and bar0 is below, but 1 < lookback 3
    expect(run(up(3), { rsi_14: [29, 31, 31] })).toEqual([F, F, F]);
  });

  it('the window is exactly bars i-lookback..i-1; a value equal to the threshold is not below', () => {
    // lookback 2 at bar3: window bars1..2 [40,30] none < 30 (bar0's 20 is outside)
    expect(run(up(2), { rsi_14: [20, 40, 30, 31] })).toEqual([F, F, F, F]);
    // lookback 3 at bar3: window bars0..2 includes 20
    expect(run(up(3), { rsi_14: [20, 40, 30, 31] })).toEqual([F, F, F, T]);
  });

  it('only the current and previous values must be finite; the window is compared as is', () => {
    // window [NaN,30]: NaN < 30 is false -> no
    expect(run(up(2), { rsi_14: [N, 30, 31] })).toEqual([F, F, F]);
    // window [-inf,30]: -inf < 30 is true -> yes
    expect(run(up(2), { rsi_14: [-INF, 30, 31] })).toEqual([F, F, T]);
    // current inf: not finite
    expect(run(up(2), { rsi_14: [20, 30, INF] })).toEqual([F, F, F]);
    // previous NaN
    expect(run(up(2), { rsi_14: [20, N, 31] })).toEqual([F, F, F]);
  });

  it('crosses below after a value above the threshold', () => {
    // bar3 70>=70>65 & window [75,72,70]; bar5 71>=70>69 & window [70,65,71] has 71
    expect(run(down(3), { rsi_14: [75, 72, 70, 65, 71, 69] })).toEqual([F, F, F, T, F, T]);
    // window [inf,70]: inf > 70 counts; window [NaN,70] does not
    expect(run(down(2), { rsi_14: [INF, 70, 69] })).toEqual([F, F, T]);
    expect(run(down(2), { rsi_14: [N, 70, 69] })).toEqual([F, F, F]);
    expect(run(down(2), { rsi_14: [80, 70, -INF] })).toEqual([F, F, F]);
  });
});

describe('held_for_n_bars', () => {
  const held = (op: string, n_bars: number, value = 25) => ({ type: 'held_for_n_bars', col: 'adx_14', op, value, n_bars });

  it('the last n_bars values all satisfy the comparison, from i = n_bars-1', () => {
    // n 3: bar2 [30,30,30] (first bar with enough history); bar3..5 windows contain 20; bar6 [30,30,30]
    expect(run(held('>', 3), { adx_14: [30, 30, 30, 20, 30, 30, 30] })).toEqual([F, F, T, F, F, F, T]);
  });

  it('a NaN or infinite value in the window blocks it (_safe)', () => {
    // bar2 [30,NaN,30]; bar3 [NaN,30,30]; bar4 [30,30,30]
    expect(run(held('>', 3), { adx_14: [30, N, 30, 30, 30] })).toEqual([F, F, F, F, T]);
    // inf > 25 would hold
    expect(run(held('>', 3), { adx_14: [INF, INF, INF] })).toEqual([F, F, F]);
    // NaN != 0 is true in Python, but the value must be finite first
    expect(run({ type: 'held_for_n_bars', col: 'adx_14', op: '!=', value: 0, n_bars: 1 }, { adx_14: [1, N, 1] })).toEqual([T, F, T]);
  });

  it('every operator, on one bar', () => {
    const adx_14 = [24, 25, 26];
    expect(run(held('>', 1), { adx_14 })).toEqual([F, F, T]);
    expect(run(held('>=', 1), { adx_14 })).toEqual([F, T, T]);
    expect(run(held('<', 1), { adx_14 })).toEqual([T, F, F]);
    expect(run(held('<=', 1), { adx_14 })).toEqual([T, T, F]);
    expect(run(held('==', 1), { adx_14 })).toEqual([F, T, F]);
    expect(run(held('!=', 1), { adx_14 })).toEqual([T, F, T]);
  });
});
