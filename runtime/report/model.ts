import type { RiskProfileName } from '../engine/risk-profiles.js';
import type { Bars } from '../series/bars.js';

/**
 * What a report is made of, whichever source it came from (a `probe
 * backtest` output folder or a database run): the run's combinations, their
 * trades as columns, and the bars they traded on. summary.csv, the terminal
 * leaderboard and index.html are all computed from this.
 */

/** One (symbol, timeframe, strategy, risk profile): a summary row. */
export interface Combo {
  readonly symbol: string;
  readonly timeframe: string;
  /** Registry id. */
  readonly strategyId: number;
  readonly strategyName: string;
  readonly profile: RiskProfileName;
}

/**
 * Every trade of the run as parallel columns, grouped by combination in the
 * order of ReportData.combos (a combination's trades are contiguous, in the
 * order the engine produced them: by entry time).
 */
export interface ReportTrades {
  readonly count: number;
  /** Index into ReportData.combos. */
  readonly combo: Uint32Array;
  /** LONG (0) or SHORT (1), as runtime/engine/trade.ts. */
  readonly side: Uint8Array;
  /** Index into EXIT_REASONS (runtime/engine/trade.ts). */
  readonly exitReason: Uint8Array;
  /** UTC epoch milliseconds. */
  readonly entryTime: Float64Array;
  readonly exitTime: Float64Array;
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  /** pnl_pct as a fraction, as trades.csv writes it. */
  readonly pnl: Float64Array;
  readonly barsHeld: Int32Array;
  /**
   * The justification strings as UTF-8, unescaped, one after another: trade
   * i's entry text is text[offsets[2i], offsets[2i+1]), its exit text
   * text[offsets[2i+1], offsets[2i+2]).
   */
  readonly text: Uint8Array;
  readonly textOffsets: Uint32Array;
}

/** The bars of one (symbol, timeframe), and the indicator columns its strategies read (for overlays). */
export interface ReportSeries extends Omit<Bars, 'length'> {
  readonly symbol: string;
  readonly timeframe: string;
  /** By column name (runtime/registry/vocabulary.ts's catalogue); NaN where undefined. */
  readonly indicators: ReadonlyMap<string, Float64Array>;
}

/** What the report's header states about the run. */
export interface RunInfo {
  /** 'backtest' for an output folder, 'database' for a run id. */
  readonly source: 'backtest' | 'database';
  /** The output folder or the run id, as given. */
  readonly origin: string;
  readonly runId: string | null;
  readonly symbols: readonly string[];
  readonly timeframes: readonly string[];
  /** Registry ids, ascending. */
  readonly strategies: readonly number[];
  readonly profiles: readonly RiskProfileName[];
  /** First and last bar (UTC epoch ms) over all series. */
  readonly periodStart: number | null;
  readonly periodEnd: number | null;
  /** Bar count per "symbol timeframe". */
  readonly barCounts: Readonly<Record<string, number>>;
  readonly probeVersion: string;
  /** REGISTRY_HASH of the strategies the report describes. */
  readonly registryHash: string;
  /**
   * For a database run whose trades were recomputed: "verified against the
   * stored results", or the first difference. null when the trades came
   * from where the run stored them.
   */
  readonly verification: string | null;
}

export interface ReportData {
  readonly run: RunInfo;
  /** In the reference's order: symbol, timeframe as run, strategy id, profile low/medium/high. */
  readonly combos: readonly Combo[];
  readonly trades: ReportTrades;
  /** One per (symbol, timeframe) of the run; bars may be absent (empty) when they could not be read. */
  readonly series: readonly ReportSeries[];
}

/**
 * Per-strategy metrics of one combination's trades, in the order they exit
 * (runtime/report/metrics.ts computes them); null where undefined.
 */
export interface TradeMetrics {
  readonly trades: number;
  /** Share of trades with pnl > 0; null without trades. */
  readonly winRate: number | null;
  readonly avgPnl: number | null;
  /** Mean pnl of the trades with pnl > 0; null without any. */
  readonly avgWin: number | null;
  /** Mean pnl of the trades with pnl < 0; null without any. */
  readonly avgLoss: number | null;
  /** Sum of positive pnl / -(sum of negative pnl); null without a loss. */
  readonly profitFactor: number | null;
  /** prod(1 + pnl) - 1; null without trades. */
  readonly totalReturn: number | null;
  /** Largest 1 - equity/peak of the compounded curve starting at 1; null without trades. */
  readonly maxDrawdown: number | null;
  /** mean / sample standard deviation (ddof 1); null with fewer than 2 trades or a zero deviation. */
  readonly sharpePerTrade: number | null;
  readonly avgBarsHeld: number | null;
}

/** One summary.csv row: a combination, its metrics and counts. */
export interface SummaryRow extends TradeMetrics {
  readonly symbol: string;
  readonly timeframe: string;
  readonly strategyId: number;
  readonly strategyName: string;
  readonly riskProfile: RiskProfileName;
  readonly longTrades: number;
  readonly shortTrades: number;
  readonly exitsStop: number;
  readonly exitsTarget: number;
  readonly exitsTrailing: number;
  readonly exitsTime: number;
  readonly exitsSignal: number;
  /** The compiler's reason when the strategy can never trade, else null. */
  readonly neverTrades: string | null;
}
