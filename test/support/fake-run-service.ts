import { RISK_PROFILE_NAMES } from '../../runtime/engine/risk-profiles.js';
import {
  type ResultFilters, type ResultItem, type RunRequest, type RunService, type RunStatus, type RunStatusName, ServiceError, type Submitted,
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
  request: RunRequest;
  total: number;
  completed: number;
  trades: number;
  results: ResultItem[];
  error: string | null;
  createdAt: string;
  startedAt: number | null;
  finishedAt: number | null;
}

/** A call the HTTP layer made, with its arguments, for tests to inspect. */
export type FakeCall =
  | { readonly method: 'submit'; readonly request: RunRequest }
  | { readonly method: 'status' | 'cancel'; readonly runId: string }
  | { readonly method: 'results'; readonly runId: string; readonly filters: ResultFilters; readonly limit: number; readonly offset: number }
  | { readonly method: 'databaseOk' };

/**
 * RunService in memory, behaving as the specification (and PgRunService)
 * does: submit normalises the request (symbols upper-cased, duplicates
 * dropped), refuses unknown symbols with INVALID_SYMBOL, queues the run with
 * total = symbols x timeframes x strategies x risk profiles, and a known
 * run id resumes that run (CONFLICT when the request differs). Tests drive
 * runs forward with start/progress/complete/fail and can make any method
 * throw or the database go away.
 */
export class FakeRunService implements RunService {
  readonly calls: FakeCall[] = [];
  private readonly runs = new Map<string, FakeRun>();
  private readonly symbols: ReadonlySet<string>;
  private readonly strategyIds: readonly number[];
  private readonly throughput: number;
  private nextId = 1;
  private readonly failures = new Map<FakeCall['method'], unknown>();
  private readonly hangs = new Set<FakeCall['method']>();
  databaseUp = true;

  constructor(options: FakeRunServiceOptions) {
    this.symbols = new Set((options.symbols ?? ['AAPL', 'SPY', 'MSFT', 'BRK.B', '^VIX']).map((s) => s.toUpperCase()));
    this.strategyIds = options.strategyIds;
    this.throughput = options.throughput ?? 300;
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
    const symbols = [...new Set(request.symbols.map((s) => s.toUpperCase()))];
    const unknown = symbols.filter((s) => !this.symbols.has(s));
    if (unknown.length > 0) throw new ServiceError('INVALID_SYMBOL', `Symbol ${unknown.join(', ')} not found in database`, { symbols: unknown });
    const timeframes = [...new Set(request.timeframes)];
    const profiles = RISK_PROFILE_NAMES.filter((p) => request.riskProfiles.includes(p));
    const strategies = request.strategyIds === null ? this.strategyIds.length : new Set(request.strategyIds).size;
    const runId = request.runId ?? `run${String(this.nextId++).padStart(5, '0')}`;
    const normalized: RunRequest = { ...request, symbols, timeframes, riskProfiles: profiles, runId };

    const existing = this.runs.get(runId);
    // an existing run answers as it is (HTTP 200) unless this submission resumes it
    if (existing?.status === 'completed') return { ...this.submitted(existing), unchanged: true };
    if (existing !== undefined) {
      if (JSON.stringify(comparable(existing.request)) !== JSON.stringify(comparable(normalized))) {
        throw new ServiceError('CONFLICT', `run ${runId} exists with a different request; resubmit it unchanged to resume it`, { run_id: runId });
      }
      // resuming: a failed or cancelled run is queued again, finished work stays
      if (existing.status === 'failed' || existing.status === 'cancelled') {
        existing.status = 'queued';
        existing.error = null;
        existing.finishedAt = null;
        return this.submitted(existing);
      }
      return { ...this.submitted(existing), unchanged: true };
    }
    const run: FakeRun = {
      runId,
      status: 'queued',
      request: normalized,
      total: symbols.length * timeframes.length * strategies * profiles.length,
      completed: 0,
      trades: 0,
      results: [],
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.runs.set(runId, run);
    return this.submitted(run);
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

  fail(runId: string, message: string): void {
    const run = this.run(runId);
    run.status = 'failed';
    run.error = message;
    run.finishedAt = Date.now();
  }

  private submitted(run: FakeRun): Submitted {
    return { runId: run.runId, status: run.status, totalCombinations: run.total, estimatedSeconds: this.estimate(run) };
  }

  /** The run's status, with the seconds left while it is queued or running (as PgRunService gives them). */
  private withEstimate(run: FakeRun): RunStatus {
    const active = run.status === 'queued' || run.status === 'running';
    return { ...toStatus(run), estimatedSecondsLeft: active ? this.estimate(run) : null };
  }

  /** Seconds the combinations left take at `throughput`, to a tenth. */
  private estimate(run: FakeRun): number {
    return Math.ceil((10 * (run.total - run.completed)) / this.throughput) / 10;
  }
}

function comparable(request: RunRequest): unknown {
  return {
    ...request,
    symbols: [...request.symbols].sort(),
    timeframes: [...request.timeframes].sort(),
    riskProfiles: [...request.riskProfiles].sort(),
    strategyIds: request.strategyIds === null ? null : [...request.strategyIds].sort((a, b) => a - b),
  };
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
