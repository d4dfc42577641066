import type { RiskProfileName } from '../engine/risk-profiles.js';
import type { IndicatorEngine } from '../indicators/engines.js';
import type { Bars } from '../series/bars.js';
import type { StoredStrategy } from '../output/copy-rows.js';

/** A series shared with the workers: its columns live in SharedArrayBuffers. */
export interface DatasetMessage {
  readonly kind: 'dataset';
  readonly datasetId: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly columns: Readonly<Record<string, Float64Array>>;
  /** What output rows say the series is. */
  readonly symbol: string;
  readonly timeframe: string;
  /** For COPY rows: the database run the rows belong to, and its period (UTC epoch ms). */
  readonly run?: { readonly runId: string; readonly periodStart: number; readonly periodEnd: number };
}

export interface ForgetMessage {
  readonly kind: 'forget';
  readonly datasetId: number;
}

/**
 * What a task sends back: the packed trades and rows, the finished
 * trades.csv and results.csv lines, or COPY text for the database.
 */
export type TaskFormat = 'packed' | 'csv' | 'copy';

/** One strategy over one dataset for some risk profiles. */
export interface TaskMessage {
  readonly kind: 'task';
  readonly taskId: number;
  readonly datasetId: number;
  readonly strategyId: number;
  readonly profiles: readonly RiskProfileName[];
  readonly format: TaskFormat;
  /** With format 'copy': the strategy's row in probe_strategies, and whether trades are wanted too. */
  readonly copy?: { readonly strategy: StoredStrategy; readonly trades: boolean };
}

/** Indicator columns of some bars, computed off the main thread (whose event loop may serve HTTP). */
export interface IndicatorsMessage {
  readonly kind: 'indicators';
  readonly taskId: number;
  readonly bars: Bars;
  readonly wanted: readonly string[];
  readonly engine: IndicatorEngine;
}

/**
 * Justification texts of a report to encode for index.html (encodeTexts of
 * runtime/report/html/codec.ts), group by group, off the main thread: the
 * split of 50 MB of text into templates and numbers is the largest piece
 * of a report's work, and the thread that reads the trades has enough.
 */
export interface TextsMessage {
  readonly kind: 'texts';
  readonly taskId: number;
  readonly text: Uint8Array;
  /** Start and end in `text` of each string, every group's strings one after another. */
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** Strings per group. */
  readonly groups: Uint32Array;
}

export type ToWorker = DatasetMessage | ForgetMessage | TaskMessage | IndicatorsMessage | TextsMessage;

export interface PackedDone {
  readonly kind: 'packed';
  readonly taskId: number;
  /** Per profile, in the task's order: packed trades and packed rows. */
  readonly trades: Float64Array[];
  readonly rows: Float64Array[];
}

export interface CsvDone {
  readonly kind: 'csv';
  readonly taskId: number;
  /** UTF-8 lines of every profile, in the task's order. */
  readonly trades: Uint8Array;
  readonly results: Uint8Array;
  readonly tradeCount: number;
  readonly rowCount: number;
}

export interface CopyDone {
  readonly kind: 'copy';
  readonly taskId: number;
  /** strategy_probe_results rows of every profile, in the task's order (RESULT_COPY_COLUMNS). */
  readonly results: Uint8Array;
  /** Their trades (TRADE_STAGING_COLUMNS), when asked for. */
  readonly trades: Uint8Array | null;
  readonly rowCount: number;
  /** Trades the engine made, stored or not; and of each profile, in the task's order. */
  readonly tradeCount: number;
  readonly profileTrades: readonly number[];
}

export interface IndicatorsDone {
  readonly kind: 'indicators';
  readonly taskId: number;
  /** SharedArrayBuffer-backed, by the names asked for. */
  readonly columns: ReadonlyMap<string, Float64Array>;
}

export interface TextsDone {
  readonly kind: 'texts';
  readonly taskId: number;
  /** Every group's encoded bytes, one after another; `sizes` says how many each. */
  readonly encoded: Uint8Array;
  readonly sizes: Uint32Array;
}

export type TaskDone = PackedDone | CsvDone | CopyDone | IndicatorsDone | TextsDone;

export interface TaskFailed {
  readonly kind: 'failed';
  readonly taskId: number;
  readonly message: string;
}

export type FromWorker = TaskDone | TaskFailed;
