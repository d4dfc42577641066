import type { RiskProfileName } from '../engine/risk-profiles.js';

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
}

export interface ForgetMessage {
  readonly kind: 'forget';
  readonly datasetId: number;
}

/**
 * What a task sends back: the packed trades and rows, or the finished
 * trades.csv and results.csv lines.
 */
export type TaskFormat = 'packed' | 'csv';

/** One strategy over one dataset for some risk profiles. */
export interface TaskMessage {
  readonly kind: 'task';
  readonly taskId: number;
  readonly datasetId: number;
  readonly strategyId: number;
  readonly profiles: readonly RiskProfileName[];
  readonly format: TaskFormat;
}

export type ToWorker = DatasetMessage | ForgetMessage | TaskMessage;

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

export type TaskDone = PackedDone | CsvDone;

export interface TaskFailed {
  readonly kind: 'failed';
  readonly taskId: number;
  readonly message: string;
}

export type FromWorker = TaskDone | TaskFailed;
