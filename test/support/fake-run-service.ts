import type { Rates, Work } from '../../runtime/service/estimate.js';
import {
  type NormalizedRequest, checkSymbols, estimatedSeconds, normalizeSubmission, resubmission, submissionWork,
} from '../../runtime/service/submission.js';
import type { SummaryRow } from '../../runtime/report/model.js';
import type {
  ResultFilters, ResultItem, RunRequest, RunService, RunStatus, RunStatusName, Submitted, SummaryPageData,
} from '../../runtime/service/types.js';

export interface FakeRunServiceOptions {
  /** Symbols "in the database" (upper case). */
  readonly symbols?: readonly string[];
  /** Ids of the strategies the registry has (strategy_ids: null runs them all). */
  readonly strategyIds: readonly number[];
  /** Combinations per second, for estimated_seconds. */
  readonly throughput?: number;
}

interface FakeRun {
  runId: string;
  status: RunStatusName;
  request: NormalizedRequest;
  total: number;
  completed: number;
  trades: number;
  results: ResultItem[];
  /** What summary() and report() answer once the run has finished (setReport). */
  summary: SummaryRow[];
  verification: string | null;
  page: Uint8Array;
  error: string | null;
  createdAt: string;
  startedAt: number | null;
  finishedAt: number | null;
}

/** A call the HTTP layer made, with its arguments, for tests to inspect. */
export type FakeCall =
  | { readonly method: 'submit'; readonly request: RunRequest }
  | { readonly method: 'status' | 'cancel'; readonly runId: string }
  | { readonly method: 'results' | 'summary'; readonly runId: string; readonly filters: ResultFilters; readonly limit: number; readonly offset: number }
  | { readonly method: 'report'; readonly runId: string }
  | { readonly method: 'databaseOk' };

/**
 * RunService in memory. Its submit is PgRunService's, but for where runs
 * are kept: the same functions (runtime/service/submission.ts) normalise
 * the request (symbols upper-cased, duplicates dropped), refuse unknown
 * symbols with INVALID_SYMBOL, count total = symbols x timeframes x
 * strategies x risk profiles, judge a resubmission of a run id (answered,
 * resumed, or a CONFLICT when the request differs) and estimate the work,
 * here at `throughput` combinations a second (each unit one bar, the fixed
 * costs 0). Tests drive runs forward with start/progress/complete/fail and
 * can make any method throw or the database go away.
 */
export class FakeRunService implements RunService {
  readonly calls: FakeCall[] = [];
  private readonly runs = new Map<string, FakeRun>();
  private readonly symbols: ReadonlySet<string>;
  private readonly strategyIds: readonly number[];
  private readonly rates: Rates;
  private nextId = 1;
  private readonly failures = new Map<FakeCall['method'], unknown>();
  private readonly hangs = new Set<FakeCall['method']>();
  databaseUp = true;

  constructor(options: FakeRunServiceOptions) {
    this.symbols = new Set((options.symbols ?? ['AAPL', 'SPY', 'MSFT', 'BRK.B', '^VIX']).map((s) => s.toUpperCase()));
    this.strategyIds = options.strategyIds;
    // a step is one combination on one bar: stepSeconds is the time of a combination
    this.rates = { pickupSeconds: 0, unitSeconds: 0, barSeconds: 0, stepSeconds: 1 / (options.throughput ?? 300), tradeFactor: 1 };
  }

  /** The next call of `method` throws `error` (once). */
  failNext(method: FakeCall['method'], error: unknown): void {
    this.failures.set(method, error);
  }

  /** Calls of `method` never settle (a hung database) until resume(). */
  hang(method: FakeCall['method']): void {
    this.hangs.add(method);
  }

  resume(method: FakeCall['method']): void {
    this.hangs.delete(method);
  }

  /** Resolves never while `method` hangs. */
  private async settle(method: FakeCall['method']): Promise<void> {
    if (this.hangs.has(method)) await new Promise<never>(() => {});
  }

  private enter(call: FakeCall): void {
    this.calls.push(call);
    if (this.failures.has(call.method)) {
      const error = this.failures.get(call.method);
      this.failures.delete(call.method);
      throw error;
    }
  }

  async submit(request: RunRequest): Promise<Submitted> {
    this.enter({ method: 'submit', request });
    await this.settle('submit');
    const submission = normalizeSubmission(request, this.strategyIds.length, () => `run${String(this.nextId++).padStart(5, '0')}`);
    const { runId, symbols } = submission.request;
    // every symbol "in the database" has bars: one per unit
    checkSymbols(symbols, new Map(symbols.filter((s) => this.symbols.has(s)).map((s) => [s, 1])));
    const existing = this.runs.get(runId);
    if (existing !== undefined) {
      if (resubmission(existing, submission.request) === 'answer') return { ...this.submitted(existing), unchanged: true };
      // resuming: a failed or cancelled run is queued again, finished work stays
      existing.status = 'queued';
      existing.error = null;
      existing.finishedAt = null;
      return { ...this.submitted(existing), unchanged: false };
    }
    const run: FakeRun = {
      runId,
      status: 'queued',
      request: submission.request,
      total: submission.total,
      completed: 0,
      trades: 0,
      results: [],
      summary: [],
      verification: null,
      page: new TextEncoder().encode(`<!doctype html><title>${runId}</title>`),
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.runs.set(runId, run);
    const work = submissionWork(submission.units.map(() => ({ bars: 1 })), submission.combinations);
    return { ...this.submitted(run, work), unchanged: false };
  }

  async status(runId: string): Promise<RunStatus | undefined> {
    this.enter({ method: 'status', runId });
    await this.settle('status');
    const run = this.runs.get(runId);
    return run && this.withEstimate(run);
  }

  async cancel(runId: string): Promise<RunStatus | undefined> {
    this.enter({ method: 'cancel', runId });
    await this.settle('cancel');
    const run = this.runs.get(runId);
    if (run === undefined) return undefined;
    if (run.status === 'queued' || run.status === 'running') {
      run.status = 'cancelled';
      run.finishedAt = Date.now();
    }
    return this.withEstimate(run);
  }

  async results(runId: string, filters: ResultFilters, limit: number, offset: number): Promise<{ total: number; results: ResultItem[] }> {
    this.enter({ method: 'results', runId, filters, limit, offset });
    await this.settle('results');
    const run = this.runs.get(runId);
    const rows = (run?.results ?? []).filter(
      (r) =>
        (filters.symbol === undefined || r.symbol === filters.symbol.toUpperCase()) &&
        (filters.timeframe === undefined || r.timeframe === filters.timeframe) &&
        (filters.strategyId === undefined || r.strategy_id === filters.strategyId) &&
        (filters.riskProfile === undefined || r.risk_profile === filters.riskProfile) &&
        (filters.longShort === undefined || r.long_short === filters.longShort),
    );
    return { total: rows.length, results: rows.slice(offset, offset + limit) };
  }

  /** The rows matching the filters (long_short keeps the rows as they are: the fake has no trades to split). */
  async summary(runId: string, filters: ResultFilters, limit: number, offset: number): Promise<SummaryPageData> {
    this.enter({ method: 'summary', runId, filters, limit, offset });
    await this.settle('summary');
    const run = this.runs.get(runId);
    const rows = (run?.summary ?? []).filter(
      (r) =>
        (filters.symbol === undefined || r.symbol === filters.symbol.toUpperCase()) &&
        (filters.timeframe === undefined || r.timeframe === filters.timeframe) &&
        (filters.strategyId === undefined || r.strategyId === filters.strategyId) &&
        (filters.riskProfile === undefined || r.riskProfile === filters.riskProfile),
    );
    return { total: rows.length, rows: rows.slice(offset, offset + limit), verification: run?.verification ?? null };
  }

  async report(runId: string): Promise<Uint8Array> {
    this.enter({ method: 'report', runId });
    await this.settle('report');
    return this.run(runId).page;
  }

  async databaseOk(): Promise<boolean> {
    this.enter({ method: 'databaseOk' });
    await this.settle('databaseOk');
    return this.databaseUp;
  }

  // ------------------------------------------------------------ test controls

  private run(runId: string): FakeRun {
    const run = this.runs.get(runId);
    if (run === undefined) throw new Error(`fake: no run ${runId}`);
    return run;
  }

  /** A worker took the run's first unit. */
  start(runId: string, startedAt = Date.now()): void {
    const run = this.run(runId);
    run.status = 'running';
    run.startedAt = startedAt;
  }

  /** `completed` combinations are done, with these result rows and trades. */
  progress(runId: string, completed: number, results: readonly ResultItem[] = [], trades = 0): void {
    const run = this.run(runId);
    if (run.status === 'queued') this.start(runId);
    run.completed = Math.min(run.total, completed);
    run.results.push(...results);
    run.trades += trades;
  }

  complete(runId: string, results: readonly ResultItem[] = [], trades = 0): void {
    this.progress(runId, this.run(runId).total, results, trades);
    const run = this.run(runId);
    run.status = 'completed';
    run.finishedAt = Date.now();
  }

  /** What the run's summary() and report() answer. */
  setReport(runId: string, summary: readonly SummaryRow[], verification: string | null, page?: string): void {
    const run = this.run(runId);
    run.summary = [...summary];
    run.verification = verification;
    if (page !== undefined) run.page = new TextEncoder().encode(page);
  }

  fail(runId: string, message: string): void {
    const run = this.run(runId);
    run.status = 'failed';
    run.error = message;
    run.finishedAt = Date.now();
  }

  private submitted(run: FakeRun, work?: Work): Submitted {
    return { runId: run.runId, status: run.status, totalCombinations: run.total, estimatedSeconds: this.estimate(run, work) };
  }

  /** The run's status, with the seconds left while it is queued or running (as PgRunService gives them). */
  private withEstimate(run: FakeRun): RunStatus {
    const active = run.status === 'queued' || run.status === 'running';
    return { ...toStatus(run), estimatedSecondsLeft: active ? this.estimate(run) : null };
  }

  /** Seconds the work (by default the combinations left, one bar each) takes at `throughput`, as PgRunService rounds them. */
  private estimate(run: FakeRun, work: Work = { units: 0, bars: 0, steps: run.total - run.completed }): number {
    return estimatedSeconds(work, { persistTrades: run.request.persistTrades, queued: run.status === 'queued' }, this.rates);
  }
}

function toStatus(run: FakeRun): RunStatus {
  const elapsed = run.startedAt === null ? null : Math.max(0, ((run.finishedAt ?? Date.now()) - run.startedAt) / 1000);
  return {
    runId: run.runId,
    status: run.status,
    request: run.request,
    totalCombinations: run.total,
    completedCombinations: run.completed,
    elapsedSeconds: elapsed,
    summary:
      run.status === 'completed'
        ? { totalCombinations: run.total, totalTrades: run.trades, totalResultRecords: run.results.length, elapsedSeconds: elapsed ?? 0 }
        : null,
    error: run.error,
    createdAt: run.createdAt,
  };
}

/** A result row with plausible values; `overrides` sets the dimensions. */
export function resultItem(overrides: Partial<ResultItem> = {}): ResultItem {
  return {
    strategy_id: 1,
    strategy_name: 'ema20_ema50_trend_cross',
    symbol: 'AAPL',
    timeframe: '1Hour',
    risk_profile: 'medium',
    open_day: '2025-03-15',
    open_hour: 10,
    long_short: 'long',
    num_trades: 3,
    pnl_mean: 0.0125,
    pnl_std: 0.0045,
    max_drawdown: 0.023,
    max_profit: 0.041,
    ...overrides,
  };
}

/** One line a RecordingLog was given. */
export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string;
}

/** A logger (info, warn, error, as the service's components take one) that keeps every line, for tests to inspect. */
export class RecordingLog {
  readonly entries: LogEntry[] = [];
  readonly info = this.method('info');
  readonly warn = this.method('warn');
  readonly error = this.method('error');

  /** The lines whose `event` field is `event`. */
  events(event: string): LogEntry[] {
    return this.entries.filter((e) => e.fields.event === event);
  }

  private method(level: LogEntry['level']): (fields: unknown, message?: unknown) => void {
    return (fields, message) => {
      const object = typeof fields === 'object' && fields !== null;
      this.entries.push({
        level,
        fields: object ? (fields as Record<string, unknown>) : {},
        message: String(object ? (message ?? '') : fields),
      });
    };
  }
}
