/**
 * The registry's vocabulary, written once for the compiler and the runtime:
 * strategy categories, directions and sides, the column catalogue, and the
 * forms of a timeframe, a ticker symbol and a run id that the command line,
 * the HTTP API and the database accept.
 *
 * It imports nothing, so that the compiler (which may import the runtime)
 * and every part of the runtime (which never imports the compiler) can share
 * it without pulling anything else in.
 */

// ---------------------------------------------------------------- strategies

export const CATEGORIES = ['trend', 'mean_reversion', 'breakout', 'volume_flow', 'pattern', 'regime'] as const;
export const DIRECTIONS = ['long_short', 'long_only', 'short_only'] as const;
/** The four condition lists of a strategy, in the registry's order. */
export const SIDES = ['entry_long', 'entry_short', 'exit_long', 'exit_short'] as const;

export type Category = (typeof CATEGORIES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Side = (typeof SIDES)[number];

// ---------------------------------------------------------------- columns

/**
 * Names of every feature column the reference calculator produces, in the
 * order of its output (and of the parity fixtures).
 */
export const INDICATOR_COLUMNS = [
  'rsi_14', 'macd', 'macd_signal', 'macd_hist', 'stoch_k', 'stoch_d', 'adx_14', 'cci_20', 'willr_14', 'mfi_14',
  'sma_20', 'sma_50', 'sma_200', 'ema_20', 'ema_50', 'ema_200', 'psar',
  'bb_upper', 'bb_middle', 'bb_lower', 'bb_width', 'bb_pct', 'atr_14',
  'obv', 'vwap',
  'ichi_tenkan', 'ichi_kijun', 'ichi_senkou_a', 'ichi_senkou_b', 'ichi_chikou',
  'pivot_pp', 'pivot_r1', 'pivot_r2', 'pivot_s1', 'pivot_s2',
  'plus_di_14', 'minus_di_14', 'aroon_up_25', 'aroon_down_25',
  'apo', 'trix_15', 'ppo', 'ppo_signal', 'cmo_14', 'rsi_2', 'roc_10', 'mom_10',
  'kama_30', 'ht_trendline', 'linearreg_slope_20', 'stddev_20', 'adosc',
  'cdl_engulfing', 'cdl_hammer', 'cdl_shooting_star', 'cdl_morning_star', 'cdl_evening_star', 'cdl_doji',
  'cdl_3white_soldiers', 'cdl_3black_crows', 'cdl_harami', 'cdl_marubozu',
  'donchian_high_20', 'donchian_low_20', 'donchian_mid_20', 'donchian_high_10', 'donchian_low_10',
  'atr_sma_50', 'obv_sma_20', 'obv_high_20', 'obv_low_20', 'typical_price_sma_20', 'volume_sma_20', 'bar_range',
] as const;

export type IndicatorColumn = (typeof INDICATOR_COLUMNS)[number];

export const BAR_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

export type BarColumn = (typeof BAR_COLUMNS)[number];

/** Design-document name -> reference calculator name. */
export const COLUMN_ALIASES: Readonly<Record<string, IndicatorColumn>> = {
  sar: 'psar',
  apo_12_26: 'apo',
  max_high_10: 'donchian_high_10',
  max_high_20: 'donchian_high_20',
  min_low_10: 'donchian_low_10',
  min_low_20: 'donchian_low_20',
  cdl_3whitesoldiers: 'cdl_3white_soldiers',
  cdl_3blackcrows: 'cdl_3black_crows',
};

const INDICATORS: ReadonlySet<string> = new Set<string>(INDICATOR_COLUMNS);
const BARS: ReadonlySet<string> = new Set<string>(BAR_COLUMNS);

export function isIndicatorColumn(name: string): name is IndicatorColumn {
  return INDICATORS.has(name);
}

/** The reference name of an indicator column or alias; undefined when unknown. */
export function canonicalColumn(name: string): IndicatorColumn | undefined {
  if (isIndicatorColumn(name)) return name;
  return Object.hasOwn(COLUMN_ALIASES, name) ? COLUMN_ALIASES[name] : undefined;
}

/** A bar column as is, an indicator column or alias by its reference name; undefined when unknown. */
export function resolveColumn(name: string): BarColumn | IndicatorColumn | undefined {
  return BARS.has(name) ? (name as BarColumn) : canonicalColumn(name);
}

// ---------------------------------------------------------------- timeframes, symbols, run ids

export const TIMEFRAME_UNITS = ['Min', 'Hour', 'Day', 'Week', 'Month'] as const;

/**
 * A bar timeframe (`15Min`, `1Hour`, `1Day`): a count from 1 to 9999,
 * written without leading zeros, and a unit. 0Min names no bars, and a
 * longer count would not fit the database's VARCHAR(10) timeframe columns.
 * A JSON Schema pattern (the API's) as well as a RegExp source.
 */
export const TIMEFRAME_PATTERN = '^[1-9][0-9]{0,3}(Min|Hour|Day|Week|Month)$';

/** The timeframes probe runs when none are named, in this order. */
export const DEFAULT_TIMEFRAMES = ['15Min', '1Hour', '1Day'] as const;

/** A ticker symbol as `tickers.symbol` (VARCHAR(20)) holds it, in either case: letters, digits and . - _ ^ =. */
export const SYMBOL_PATTERN = '^[A-Za-z0-9.\\-_^=]{1,20}$';

/** A run id: 1-50 letters, digits or _ . : - (`strategy_probe_results.run_id`). */
export const RUN_ID_PATTERN = '^[A-Za-z0-9_.:-]{1,50}$';

const TIMEFRAME = new RegExp(TIMEFRAME_PATTERN);
const SYMBOL = new RegExp(SYMBOL_PATTERN);
const RUN_ID = new RegExp(RUN_ID_PATTERN);

export const isTimeframe = (value: string): boolean => TIMEFRAME.test(value);
export const isSymbol = (value: string): boolean => SYMBOL.test(value);
export const isRunId = (value: string): boolean => RUN_ID.test(value);

const UNIT_MINUTES: Readonly<Record<(typeof TIMEFRAME_UNITS)[number], number>> = { Min: 1, Hour: 60, Day: 1440, Week: 10_080, Month: 43_200 };

/** A timeframe's length in minutes (a month counts 30 days); NaN for anything that is not a timeframe. */
export function timeframeMinutes(timeframe: string): number {
  if (!isTimeframe(timeframe)) return Number.NaN;
  const unit = TIMEFRAME_UNITS.find((u) => timeframe.endsWith(u))!;
  return Number(timeframe.slice(0, -unit.length)) * UNIT_MINUTES[unit];
}
