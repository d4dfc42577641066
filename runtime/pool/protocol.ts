import type { RiskProfileName } from '../engine/risk-profiles.js';

/** A series shared with the workers: its columns live in SharedArrayBuffers. */
export interface DatasetMessage {
  readonly kind: 'dataset';
  readonly datasetId: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly columns: Readonly<Record<string, Float64Array>>;
}

export interface ForgetMessage {
  readonly kind: 'forget';
  readonly datasetId: number;
}

/** One strategy over one dataset for some risk profiles. */
export interface TaskMessage {
  readonly kind: 'task';
  readonly taskId: number;
  readonly datasetId: number;
  readonly strategyId: number;
  readonly profiles: readonly RiskProfileName[];
}

export type ToWorker = DatasetMessage | ForgetMessage | TaskMessage;

export interface TaskDone {
  readonly kind: 'done';
  readonly taskId: number;
  /** Per profile, in the task's order: packed trades and packed rows. */
  readonly trades: Float64Array[];
  readonly rows: Float64Array[];
}

export interface TaskFailed {
  readonly kind: 'failed';
  readonly taskId: number;
  readonly message: string;
}

export type FromWorker = TaskDone | TaskFailed;
