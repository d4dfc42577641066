/**
 * Columns the reference gets from TA-Lib, with its parameters. Each call goes
 * through `validSpan` (the Python wrapper's NaN-prefix rule); float outputs
 * start as NaN, candle outputs as 0.
 */
import type { IndicatorColumn } from './catalog.js';
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

type BarColumn = 'open' | 'high' | 'low' | 'close' | 'volume';
type Columns<T extends readonly unknown[]> = { [K in keyof T]: Float64Array };

/** `count` new columns, filled by `run(...the bar columns names, ...them)` on the inputs' valid span. */
function runOnBars(sources: Sources, names: readonly BarColumn[], count: number, run: (...columns: Float64Array[]) => void): Float64Array[] {
  const inputs = names.map((name) => sources.bars[name]);
  const outputs = Array.from({ length: count }, () => column(sources));
  const at = validSpan(...inputs);
  run(...inputs.map((input) => at(input)), ...outputs.map((output) => at(output)));
  return outputs;
}

/** A single-output function of the bar columns `names`, run as `run(...those columns, out)`. */
function ofBars<const Names extends readonly BarColumn[]>(names: Names, run: (...columns: [...Columns<Names>, Float64Array]) => void) {
  return (sources: Sources): Float64Array => runOnBars(sources, names, 1, run as (...columns: Float64Array[]) => void)[0]!;
}

/** The columns `outputs` of one call on the bar columns `names`, run as `run(...those columns, ...the outputs)`. */
function callOnBars<const Names extends readonly BarColumn[], const Outputs extends readonly IndicatorColumn[]>(
  names: Names,
  outputs: Outputs,
  run: (...columns: [...Columns<Names>, ...Columns<Outputs>]) => void,
): Producer {
  return producer(outputs, (sources) => {
    const columns = runOnBars(sources, names, outputs.length, run as (...columns: Float64Array[]) => void);
    return Object.fromEntries(outputs.map((name, k) => [name, columns[k]!])) as Record<Outputs[number], Float64Array>;
  });
}

/** A single-output function of the close. */
const ofClose = (run: (close: Float64Array, out: Float64Array) => void) => ofBars(['close'], run);

/** A single-output function of high, low and close. */
const ofHlc = (run: (high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array) => void) =>
  ofBars(['high', 'low', 'close'], run);

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
  callOnBars(['close'], ['macd', 'macd_signal', 'macd_hist'], (c, line, signal, hist) => macd(c, 12, 26, 9, line, signal, hist)),
  callOnBars(['high', 'low', 'close'], ['stoch_k', 'stoch_d'], (h, l, c, k, d) => stoch(h, l, c, 14, 3, 3, k, d)),
  single('adx_14', ofHlc((h, l, c, o) => adx(h, l, c, 14, o))),
  single('cci_20', ofHlc((h, l, c, o) => cci(h, l, c, 20, o))),
  single('willr_14', ofHlc((h, l, c, o) => willr(h, l, c, 14, o))),
  single('mfi_14', ofBars(['high', 'low', 'close', 'volume'], (h, l, c, v, o) => mfi(h, l, c, v, 14, o))),
  single('sma_20', ofClose((c, o) => sma(c, 20, o))),
  single('sma_50', ofClose((c, o) => sma(c, 50, o))),
  single('sma_200', ofClose((c, o) => sma(c, 200, o))),
  single('ema_20', ofClose((c, o) => ema(c, 20, o))),
  single('ema_50', ofClose((c, o) => ema(c, 50, o))),
  single('ema_200', ofClose((c, o) => ema(c, 200, o))),
  single('psar', ofBars(['high', 'low'], (h, l, o) => sar(h, l, 0.02, 0.2, o))),
  callOnBars(['close'], ['bb_upper', 'bb_middle', 'bb_lower'], (c, upper, middle, lower) => bbands(c, 20, 2.0, 2.0, upper, middle, lower)),
  single('atr_14', ofHlc((h, l, c, o) => atr(h, l, c, 14, o))),
  single('obv', ofBars(['close', 'volume'], obv)),
  single('plus_di_14', ofHlc((h, l, c, o) => plusDi(h, l, c, 14, o))),
  single('minus_di_14', ofHlc((h, l, c, o) => minusDi(h, l, c, 14, o))),
  callOnBars(['high', 'low'], ['aroon_up_25', 'aroon_down_25'], (h, l, up, down) => aroon(h, l, 25, down, up)),
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
  single('adosc', ofBars(['high', 'low', 'close', 'volume'], (h, l, c, v, o) => adosc(h, l, c, v, 3, 10, o))),
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
