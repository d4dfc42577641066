/**
 * Names of every feature column the reference calculator produces, in the
 * order of its output (and of the parity fixtures), plus the design
 * document's spellings of some of them.
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

const KNOWN: ReadonlySet<string> = new Set<string>(INDICATOR_COLUMNS);

export function isIndicatorColumn(name: string): name is IndicatorColumn {
  return KNOWN.has(name);
}

/** The reference name of an indicator column or alias; undefined when unknown. */
export function canonicalColumn(name: string): IndicatorColumn | undefined {
  if (isIndicatorColumn(name)) return name;
  return Object.hasOwn(COLUMN_ALIASES, name) ? COLUMN_ALIASES[name] : undefined;
}
