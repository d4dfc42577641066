/**
 * How the reference gets each TA-Lib column: function, inputs, parameters and
 * output, as calls of the npm `talib` addon (see talib-native.ts). One table
 * serves both the `talib` indicator engine and the tests that check the
 * TypeScript ports against the C library.
 */
import type { Bars } from '../series/bars.js';
import { newColumn } from '../series/column.js';
import type { BarColumn, IndicatorColumn } from './catalog.js';
import type { Producer, Sources } from './producer.js';
import { callTalib, type NativeCall } from './talib-native.js';

/** An input series: a bar column, or another indicator column of the same run. */
export type TalibInput = BarColumn | { readonly column: IndicatorColumn };

/** One TA-Lib call and the indicator columns taken from its outputs. */
export interface TalibCall {
  /** TA-Lib function name, e.g. 'MACD'. */
  readonly name: string;
  /** Addon input field ('inReal', 'open' ... 'volume') -> series. */
  readonly inputs: Readonly<Record<string, TalibInput>>;
  /** optIn* parameters. */
  readonly options: Readonly<Record<string, number>>;
  /** Indicator column -> TA-Lib output name (outReal, outMACD, outInteger ...). */
  readonly outputs: Readonly<Partial<Record<IndicatorColumn, string>>>;
}

const real = { inReal: 'close' } as const;
const hl = { high: 'high', low: 'low' } as const;
const hlc = { high: 'high', low: 'low', close: 'close' } as const;
const hlcv = { high: 'high', low: 'low', close: 'close', volume: 'volume' } as const;
const ohlc = { open: 'open', high: 'high', low: 'low', close: 'close' } as const;
const period = (n: number) => ({ optInTimePeriod: n });

/** A call of which one output is used. */
function one(
  column: IndicatorColumn,
  name: string,
  inputs: TalibCall['inputs'],
  options: TalibCall['options'] = {},
  output = 'outReal',
): TalibCall {
  return { name, inputs, options, outputs: { [column]: output } };
}

/** A candle pattern: an integer output over open, high, low and close. */
const candle = (column: IndicatorColumn, name: string, options: TalibCall['options'] = {}): TalibCall =>
  one(column, name, ohlc, options, 'outInteger');

export const TALIB_CALLS: readonly TalibCall[] = [
  one('rsi_14', 'RSI', real, period(14)),
  {
    name: 'MACD',
    inputs: real,
    options: { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
    outputs: { macd: 'outMACD', macd_signal: 'outMACDSignal', macd_hist: 'outMACDHist' },
  },
  {
    name: 'STOCH',
    inputs: hlc,
    options: { optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 },
    outputs: { stoch_k: 'outSlowK', stoch_d: 'outSlowD' },
  },
  one('adx_14', 'ADX', hlc, period(14)),
  one('cci_20', 'CCI', hlc, period(20)),
  one('willr_14', 'WILLR', hlc, period(14)),
  one('mfi_14', 'MFI', hlcv, period(14)),
  one('sma_20', 'SMA', real, period(20)),
  one('sma_50', 'SMA', real, period(50)),
  one('sma_200', 'SMA', real, period(200)),
  one('ema_20', 'EMA', real, period(20)),
  one('ema_50', 'EMA', real, period(50)),
  one('ema_200', 'EMA', real, period(200)),
  one('psar', 'SAR', hl, { optInAcceleration: 0.02, optInMaximum: 0.2 }),
  {
    name: 'BBANDS',
    inputs: real,
    options: { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
    outputs: { bb_upper: 'outRealUpperBand', bb_middle: 'outRealMiddleBand', bb_lower: 'outRealLowerBand' },
  },
  one('atr_14', 'ATR', hlc, period(14)),
  one('obv', 'OBV', { inReal: 'close', volume: 'volume' }),
  one('plus_di_14', 'PLUS_DI', hlc, period(14)),
  one('minus_di_14', 'MINUS_DI', hlc, period(14)),
  {
    name: 'AROON',
    inputs: hl,
    options: period(25),
    outputs: { aroon_up_25: 'outAroonUp', aroon_down_25: 'outAroonDown' },
  },
  one('apo', 'APO', real, { optInFastPeriod: 12, optInSlowPeriod: 26, optInMAType: 1 }),
  one('trix_15', 'TRIX', real, period(15)),
  one('ppo', 'PPO', real, { optInFastPeriod: 12, optInSlowPeriod: 26, optInMAType: 1 }),
  // EMA(9) of the run's own ppo column, NaN prefix included (the prefix rule applies).
  one('ppo_signal', 'EMA', { inReal: { column: 'ppo' } }, period(9)),
  one('cmo_14', 'CMO', real, period(14)),
  one('rsi_2', 'RSI', real, period(2)),
  one('roc_10', 'ROC', real, period(10)),
  one('mom_10', 'MOM', real, period(10)),
  one('kama_30', 'KAMA', real, period(30)),
  one('ht_trendline', 'HT_TRENDLINE', real),
  one('linearreg_slope_20', 'LINEARREG_SLOPE', real, period(20)),
  one('stddev_20', 'STDDEV', real, { optInTimePeriod: 20, optInNbDev: 1 }),
  one('adosc', 'ADOSC', hlcv, { optInFastPeriod: 3, optInSlowPeriod: 10 }),
  candle('cdl_engulfing', 'CDLENGULFING'),
  candle('cdl_hammer', 'CDLHAMMER'),
  candle('cdl_shooting_star', 'CDLSHOOTINGSTAR'),
  candle('cdl_morning_star', 'CDLMORNINGSTAR', { optInPenetration: 0.3 }),
  candle('cdl_evening_star', 'CDLEVENINGSTAR', { optInPenetration: 0.3 }),
  candle('cdl_doji', 'CDLDOJI'),
  candle('cdl_3white_soldiers', 'CDL3WHITESOLDIERS'),
  candle('cdl_3black_crows', 'CDL3BLACKCROWS'),
  candle('cdl_harami', 'CDLHARAMI'),
  candle('cdl_marubozu', 'CDLMARUBOZU'),
];

/** The indicator columns of a table entry, in its order. */
export function callColumns(call: TalibCall): IndicatorColumn[] {
  return Object.keys(call.outputs) as IndicatorColumn[];
}

/** A table entry as an addon call on these bars; indicator inputs are read through `column`. */
export function nativeCall(call: TalibCall, bars: Bars, column: (name: IndicatorColumn) => Float64Array): NativeCall {
  const inputs: Record<string, Float64Array> = {};
  for (const [field, input] of Object.entries(call.inputs)) {
    inputs[field] = typeof input === 'string' ? bars[input] : column(input.column);
  }
  return { name: call.name, inputs, options: call.options };
}

/** The addon call behind a column and which of its outputs the column is. */
export interface NativeColumn {
  readonly call: NativeCall;
  readonly output: string;
}

/**
 * Every TA-Lib-backed column -> its addon call on these bars. Columns of one
 * call (MACD, BBANDS, STOCH, AROON) share one NativeCall object. Indicator
 * inputs (ppo_signal's ppo) are read through `column` while the table is built.
 */
export function nativeCallsFor(
  bars: Bars,
  column: (name: IndicatorColumn) => Float64Array,
): Map<IndicatorColumn, NativeColumn> {
  const table = new Map<IndicatorColumn, NativeColumn>();
  for (const entry of TALIB_CALLS) {
    const call = nativeCall(entry, bars, column);
    for (const [name, output] of Object.entries(entry.outputs) as Array<[IndicatorColumn, string]>) {
      table.set(name, { call, output });
    }
  }
  return table;
}

/**
 * The `talib` engine's producers: one per table entry, so a call with several
 * outputs runs once per run. Outputs are copied into shared columns.
 */
export const NATIVE_PRODUCERS: readonly Producer[] = TALIB_CALLS.map((entry) => ({
  columns: callColumns(entry),
  produce(sources: Sources): Partial<Record<IndicatorColumn, Float64Array>> {
    const outputs = callTalib(nativeCall(entry, sources.bars, (name) => sources.column(name)));
    const produced: Partial<Record<IndicatorColumn, Float64Array>> = {};
    for (const [name, output] of Object.entries(entry.outputs) as Array<[IndicatorColumn, string]>) {
      const values = outputs.get(output);
      if (!values) throw new Error(`TA-Lib ${entry.name} has no output '${output}'`);
      const shared = newColumn(values.length, 0);
      shared.set(values);
      produced[name] = shared;
    }
    return produced;
  },
}));
