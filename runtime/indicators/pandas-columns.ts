/**
 * Columns the reference computes with numpy/pandas rather than TA-Lib:
 * band ratios, VWAP, pivots, Ichimoku, Donchian channels and rolling stats.
 */
import { newColumn } from '../series/column.js';
import { bandPercent, bandWidth, difference, midpoint, pivots, typicalPrice, vwap } from './derived.js';
import { producer, single, type Producer, type Sources } from './producer.js';
import { pandasRollingMax, pandasRollingMean, pandasRollingMin } from './pandas-rolling.js';

const column = ({ bars }: Sources): Float64Array => newColumn(bars.length);

/** (high + low + close) / 3, shared by VWAP, the pivots and its rolling mean; it is also the pivot_pp column. */
function typical(sources: Sources): Float64Array {
  return sources.shared('typical_price', () => {
    const { high, low, close } = sources.bars;
    const out = column(sources);
    typicalPrice(high, low, close, out);
    return out;
  });
}

type Rolling = (values: Float64Array, window: number, out: Float64Array) => void;

function rolling(stat: Rolling, window: number, values: (sources: Sources) => Float64Array) {
  return (sources: Sources): Float64Array => {
    const out = column(sources);
    stat(values(sources), window, out);
    return out;
  };
}

/** (rolling max of high + rolling min of low) / 2, the Ichimoku line construction. */
function channelMidpoint(window: number) {
  return (sources: Sources): Float64Array => {
    const { high, low, length } = sources.bars;
    const out = column(sources);
    const lowest = new Float64Array(length);
    pandasRollingMax(high, window, out);
    pandasRollingMin(low, window, lowest);
    midpoint(out, lowest, out);
    return out;
  };
}

export const PANDAS_PRODUCERS: readonly Producer[] = [
  single('bb_width', (s) => {
    const out = column(s);
    bandWidth(s.column('bb_upper'), s.column('bb_middle'), s.column('bb_lower'), out);
    return out;
  }),
  single('bb_pct', (s) => {
    const out = column(s);
    bandPercent(s.bars.close, s.column('bb_upper'), s.column('bb_lower'), out);
    return out;
  }),
  single('vwap', (s) => {
    const out = column(s);
    vwap(typical(s), s.bars.volume, out);
    return out;
  }),
  single('ichi_tenkan', channelMidpoint(9)),
  single('ichi_kijun', channelMidpoint(26)),
  single('ichi_senkou_a', (s) => {
    const out = column(s);
    midpoint(s.column('ichi_tenkan'), s.column('ichi_kijun'), out);
    return out;
  }),
  single('ichi_senkou_b', channelMidpoint(52)),
  single('ichi_chikou', (s) => {
    // Stored unshifted, exactly as the reference does; the lag is applied by its users.
    const out = column(s);
    out.set(s.bars.close);
    return out;
  }),
  producer(['pivot_pp', 'pivot_r1', 'pivot_r2', 'pivot_s1', 'pivot_s2'], (s) => {
    const pp = typical(s);
    const [r1, r2, s1, s2] = [column(s), column(s), column(s), column(s)];
    pivots(pp, s.bars.high, s.bars.low, { r1, r2, s1, s2 });
    return { pivot_pp: pp, pivot_r1: r1, pivot_r2: r2, pivot_s1: s1, pivot_s2: s2 };
  }),
  single('donchian_high_20', rolling(pandasRollingMax, 20, (s) => s.bars.high)),
  single('donchian_low_20', rolling(pandasRollingMin, 20, (s) => s.bars.low)),
  single('donchian_mid_20', (s) => {
    const out = column(s);
    midpoint(s.column('donchian_high_20'), s.column('donchian_low_20'), out);
    return out;
  }),
  single('donchian_high_10', rolling(pandasRollingMax, 10, (s) => s.bars.high)),
  single('donchian_low_10', rolling(pandasRollingMin, 10, (s) => s.bars.low)),
  single('atr_sma_50', rolling(pandasRollingMean, 50, (s) => s.column('atr_14'))),
  single('obv_sma_20', rolling(pandasRollingMean, 20, (s) => s.column('obv'))),
  single('obv_high_20', rolling(pandasRollingMax, 20, (s) => s.column('obv'))),
  single('obv_low_20', rolling(pandasRollingMin, 20, (s) => s.column('obv'))),
  single('typical_price_sma_20', rolling(pandasRollingMean, 20, (s) => typical(s))),
  single('volume_sma_20', rolling(pandasRollingMean, 20, (s) => s.bars.volume)),
  single('bar_range', (s) => {
    const out = column(s);
    difference(s.bars.high, s.bars.low, out);
    return out;
  }),
];
