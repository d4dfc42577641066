/**
 * Where the TA-Lib columns come from: the TypeScript ports of TA-Lib 0.6.0
 * (fast; verified bit-identical) or the npm `talib` package itself, through
 * its native addon. Columns the reference computes with numpy/pandas are the
 * same code in both, reading the engine's TA-Lib columns. A module of its
 * own so that the command line can offer the choice without loading either.
 */
export const INDICATOR_ENGINES = ['port', 'talib'] as const;

export type IndicatorEngine = (typeof INDICATOR_ENGINES)[number];
