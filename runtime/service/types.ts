import type { RiskProfileName } from '../engine/risk-profiles.js';
import type { ApiBody } from './http/schemas.js';
import type { SummaryRow } from '../report/model.js';

/** A run as submitted (the API's body, validated). */
export interface RunRequest {
  readonly symbols: readonly string[];
  readonly timeframes: readonly string[];
  readonly riskProfiles: readonly RiskProfileName[];
  /** null = every strategy. */
  readonly strategyIds: readonly number[] | null;
  /** YYYY-MM-DD, inclusive; null = from the first / to the last bar. */
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly persistTrades: boolean;
  /** Given to resume or name a run; null = a new id. */
  readonly runId: string | null;
}

export type RunStatusName = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunStatus {
  readonly runId: string;
  readonly status: RunStatusName;
  readonly request: RunRequest;
  readonly totalCombinations: number;
  readonly completedCombinations: number;
  /** Seconds since the run started (or until it finished); null while queued. */
  readonly elapsedSeconds: number | null;
  /** Rough seconds until the work left is done, by the submission's model; null (or absent) when finished or unknown. */
  readonly estimatedSecondsLeft?: number | null;
  readonly summary: RunSummary | null;
  readonly error: string | null;
  readonly createdAt: string;
}

export interface RunSummary {
  readonly totalCombinations: number;
  readonly totalTrades: number;
  readonly totalResultRecords: number;
  readonly elapsedSeconds: number;
}

export interface Submitted {
  readonly runId: string;
  readonly status: RunStatusName;
  readonly totalCombinations: number;
  readonly estimatedSeconds: number;
  /**
   * True when the submission changed nothing: the run id exists with this
   * request and the run is queued, running or completed, answered as it is
   * (HTTP 200). False or absent: the run was queued by this submission, new
   * or resumed after it failed or was cancelled (HTTP 202).
   */
  readonly unchanged?: boolean;
}

export interface ResultFilters {
  readonly symbol?: string;
  readonly timeframe?: string;
  readonly strategyId?: number;
  readonly riskProfile?: string;
  readonly longShort?: 'long' | 'short';
}

export interface SummaryPageData {
  readonly total: number;
  readonly rows: readonly SummaryRow[];
  readonly verification: string | null;
}

/** One row of strategy_probe_results as the API shows it (its schema, ResultItem in http/schemas.ts, says which fields). */
export type ResultItem = ApiBody<'ResultItem'>;

/** A request the service refuses, with the API's error code and the offending field. */
export class ServiceError extends Error {
  constructor(
    readonly code: 'VALIDATION_ERROR' | 'INVALID_SYMBOL' | 'RUN_NOT_FOUND' | 'STRATEGY_NOT_FOUND' | 'CONFLICT',
    message: string,
    readonly details: Readonly<Record<string, unknown>> | null = null,
  ) {
    super(message);
  }
}

/** What the HTTP layer needs from the execution layer. */
export interface RunService {
  /**
   * Validates against the database (symbols, ranges), records the run and queues its work units. Resubmitting an existing id
   * with the same request (compared as values, lists as sets) resumes it when it failed or was cancelled, and answers it as
   * it is otherwise, also when identical submissions arrive at once; with a different request it is a CONFLICT (a completed
   * run is answered as it is whatever the request).
   */
  submit(request: RunRequest): Promise<Submitted>;
  status(runId: string): Promise<RunStatus | undefined>;
  /** Marks the run cancelled and drops its queued units; work already written stays. */
  cancel(runId: string): Promise<RunStatus | undefined>;
  results(runId: string, filters: ResultFilters, limit: number, offset: number): Promise<{ total: number; results: ResultItem[] }>;
  /**
   * The run's summary rows (`probe report`'s summary.csv) matching the filters, one page of them, and how the trades were
   * checked (RunInfo.verification). For a run that has finished; long_short computes the rows from that side's trades.
   */
  summary(runId: string, filters: ResultFilters, limit: number, offset: number): Promise<SummaryPageData>;
  /** The run's report page (index.html of `probe report --run-id`), for a run that has finished. */
  report(runId: string): Promise<Uint8Array>;
  /** True when the database answers. */
  databaseOk(): Promise<boolean>;
}
