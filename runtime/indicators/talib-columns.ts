/**
 * Columns the reference gets from TA-Lib, with its parameters. Each call goes
 * through `validSpan` (the Python wrapper's NaN-prefix rule); float outputs
 * start as NaN, candle outputs as 0.
 */
import { newColumn } from '../series/column.js';
import { producer, single, type Producer, type Sources } from './producer.js';
import { ema, kama, sma, trix } from './talib/averages.js';
import { Candles } from './talib/candle-shapes.js';
import {
  doji,
  engulfing,
  eveningStar,
  hammer,
  harami,
  marubozu,
  morningStar,
  shootingStar,
  threeBlackCrows,
  threeWhiteSoldiers,
} from './talib/candles.js';
import { adx, atr, minusDi, plusDi, sar } from './talib/directional.js';
import { htTrendline } from './talib/hilbert.js';
import { apo, cmo, macd, MA_EMA, mom, ppo, roc, rsi } from './talib/momentum.js';
import { aroon, cci, mfi, stoch, willr } from './talib/window-oscillators.js';
import { validSpan } from './talib/prefix.js';
import { bbands, linearRegSlope, stddev } from './talib/statistics.js';
import { adosc, obv } from './talib/volume.js';

const STAR_PENETRATION = 0.3;

const column = ({ bars }: Sources): Float64Array => newColumn(bars.length);

/** A single-output function of the close. */
function ofClose(run: (close: Float64Array, out: Float64Array) => void) {
  return (sources: Sources): Float64Array => {
    const { close } = sources.bars;
    const out = column(sources);
    const at = validSpan(close);
    run(at(close), at(out));
    return out;
  };
}

/** A single-output function of high, low and close. */
function ofHlc(run: (high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array) => void) {
  return (sources: Sources): Float64Array => {
    const { high, low, close } = sources.bars;
    const out = column(sources);
    const at = validSpan(high, low, close);
    run(at(high), at(low), at(close), at(out));
    return out;
  };
}

/** A candle pattern over open, high, low and close; all patterns share one Candles. */
function pattern(run: (candles: Candles, out: Float64Array) => void) {
  return (sources: Sources): Float64Array => {
    const { open, high, low, close, length } = sources.bars;
    const out = newColumn(length, 0);
    const at = validSpan(open, high, low, close);
    run(
      sources.shared('candles', () => new Candles(at(open), at(high), at(low), at(close))),
      at(out),
    );
    return out;
  };
}

export const TALIB_PRODUCERS: readonly Producer[] = [
  single('rsi_14', ofClose((c, o) => rsi(c, 14, o))),
  producer(['macd', 'macd_signal', 'macd_hist'], (s) => {
    const { close } = s.bars;
    const [line, signal, hist] = [column(s), column(s), column(s)];
    const at = validSpan(close);
    macd(at(close), 12, 26, 9, at(line), at(signal), at(hist));
    return { macd: line, macd_signal: signal, macd_hist: hist };
  }),
  producer(['stoch_k', 'stoch_d'], (s) => {
    const { high, low, close } = s.bars;
    const [k, d] = [column(s), column(s)];
    const at = validSpan(high, low, close);
    stoch(at(high), at(low), at(close), 14, 3, 3, at(k), at(d));
    return { stoch_k: k, stoch_d: d };
  }),
  single('adx_14', ofHlc((h, l, c, o) => adx(h, l, c, 14, o))),
  single('cci_20', ofHlc((h, l, c, o) => cci(h, l, c, 20, o))),
  single('willr_14', ofHlc((h, l, c, o) => willr(h, l, c, 14, o))),
  single('mfi_14', (s) => {
    const { high, low, close, volume } = s.bars;
    const out = column(s);
    const at = validSpan(high, low, close, volume);
    mfi(at(high), at(low), at(close), at(volume), 14, at(out));
    return out;
  }),
  single('sma_20', ofClose((c, o) => sma(c, 20, o))),
  single('sma_50', ofClose((c, o) => sma(c, 50, o))),
  single('sma_200', ofClose((c, o) => sma(c, 200, o))),
  single('ema_20', ofClose((c, o) => ema(c, 20, o))),
  single('ema_50', ofClose((c, o) => ema(c, 50, o))),
  single('ema_200', ofClose((c, o) => ema(c, 200, o))),
  single('psar', (s) => {
    const { high, low } = s.bars;
    const out = column(s);
    const at = validSpan(high, low);
    sar(at(high), at(low), 0.02, 0.2, at(out));
    return out;
  }),
  producer(['bb_upper', 'bb_middle', 'bb_lower'], (s) => {
    const { close } = s.bars;
    const [upper, middle, lower] = [column(s), column(s), column(s)];
    const at = validSpan(close);
    bbands(at(close), 20, 2.0, 2.0, at(upper), at(middle), at(lower));
    return { bb_upper: upper, bb_middle: middle, bb_lower: lower };
  }),
  single('atr_14', ofHlc((h, l, c, o) => atr(h, l, c, 14, o))),
  single('obv', (s) => {
    const { close, volume } = s.bars;
    const out = column(s);
    const at = validSpan(close, volume);
    obv(at(close), at(volume), at(out));
    return out;
  }),
  single('plus_di_14', ofHlc((h, l, c, o) => plusDi(h, l, c, 14, o))),
  single('minus_di_14', ofHlc((h, l, c, o) => minusDi(h, l, c, 14, o))),
  producer(['aroon_up_25', 'aroon_down_25'], (s) => {
    const { high, low } = s.bars;
    const [up, down] = [column(s), column(s)];
    const at = validSpan(high, low);
    aroon(at(high), at(low), 25, at(down), at(up));
    return { aroon_up_25: up, aroon_down_25: down };
  }),
  single('apo', ofClose((c, o) => apo(c, 12, 26, MA_EMA, o))),
  single('trix_15', ofClose((c, o) => trix(c, 15, o))),
  single('ppo', ofClose((c, o) => ppo(c, 12, 26, MA_EMA, o))),
  single('ppo_signal', (s) => {
    // EMA of a column that starts with NaNs: this is where the prefix rule matters.
    const line = s.column('ppo');
    const out = column(s);
    const at = validSpan(line);
    ema(at(line), 9, at(out));
    return out;
  }),
  single('cmo_14', ofClose((c, o) => cmo(c, 14, o))),
  single('rsi_2', ofClose((c, o) => rsi(c, 2, o))),
  single('roc_10', ofClose((c, o) => roc(c, 10, o))),
  single('mom_10', ofClose((c, o) => mom(c, 10, o))),
  single('kama_30', ofClose((c, o) => kama(c, 30, o))),
  single('ht_trendline', ofClose(htTrendline)),
  single('linearreg_slope_20', ofClose((c, o) => linearRegSlope(c, 20, o))),
  single('stddev_20', ofClose((c, o) => stddev(c, 20, 1.0, o))),
  single('adosc', (s) => {
    const { high, low, close, volume } = s.bars;
    const out = column(s);
    const at = validSpan(high, low, close, volume);
    adosc(at(high), at(low), at(close), at(volume), 3, 10, at(out));
    return out;
  }),
  single('cdl_engulfing', pattern(engulfing)),
  single('cdl_hammer', pattern(hammer)),
  single('cdl_shooting_star', pattern(shootingStar)),
  single('cdl_morning_star', pattern((k, o) => morningStar(k, STAR_PENETRATION, o))),
  single('cdl_evening_star', pattern((k, o) => eveningStar(k, STAR_PENETRATION, o))),
  single('cdl_doji', pattern(doji)),
  single('cdl_3white_soldiers', pattern(threeWhiteSoldiers)),
  single('cdl_3black_crows', pattern(threeBlackCrows)),
  single('cdl_harami', pattern(harami)),
  single('cdl_marubozu', pattern(marubozu)),
];
