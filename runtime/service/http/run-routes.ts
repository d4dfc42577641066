import type { FastifyInstance } from 'fastify';
import { RISK_PROFILE_NAMES } from '../../engine/risk-profiles.js';
import { canonicalRiskProfiles, uniqueValues } from '../submission.js';
import type { SummaryRow } from '../../report/model.js';
import type { ResultFilters, RunRequest, RunStatus } from '../types.js';
import { ApiError } from './api-error.js';
import { API_PREFIX, ENDPOINTS, type RouteTypes } from './endpoints.js';
import { addRoute, type RouteContext } from './route.js';
import { timed } from './timeouts.js';
import { type ApiBody, DEFAULT_LIMIT, DEFAULT_TIMEFRAMES, type ResultsQuery, type RunRequestBody } from './schemas.js';

/** The bodies of the run endpoints, as their schemas (schemas.ts) describe them. */
export type RunAcceptedBody = ApiBody<'RunAccepted'>;
export type RunStatusBody = ApiBody<'RunStatus'>;
export type ResultPageBody = ApiBody<'ResultPage'>;
export type SummaryItemBody = ApiBody<'SummaryItem'>;

/** A summary row under summary.csv's column names (a test holds the schema's properties to SUMMARY_COLUMNS). */
export function toSummaryItem(r: SummaryRow): SummaryItemBody {
  return {
    symbol: r.symbol,
    timeframe: r.timeframe,
    strategy_id: r.strategyId,
    strategy_name: r.strategyName,
    risk_profile: r.riskProfile,
    trades: r.trades,
    long_trades: r.longTrades,
    short_trades: r.shortTrades,
    win_rate: r.winRate,
    avg_pnl: r.avgPnl,
    avg_win: r.avgWin,
    avg_loss: r.avgLoss,
    profit_factor: r.profitFactor,
    total_return: r.totalReturn,
    max_drawdown: r.maxDrawdown,
    sharpe_per_trade: r.sharpePerTrade,
    avg_bars_held: r.avgBarsHeld,
    exits_stop: r.exitsStop,
    exits_target: r.exitsTarget,
    exits_trailing: r.exitsTrailing,
    exits_time: r.exitsTime,
    exits_signal: r.exitsSignal,
    never_trades: r.neverTrades,
  };
}

/** Milliseconds are plenty. */
function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * The validated body (schemas.ts has checked every type, pattern and limit)
 * as the service's request: defaults filled in, duplicates dropped, and the
 * checks a schema cannot make (known strategy ids, start before end).
 */
export function toRunRequest(body: RunRequestBody, knownStrategyIds: ReadonlySet<number>): RunRequest {
  const strategyIds = body.strategy_ids ?? null;
  if (strategyIds !== null) {
    const index = strategyIds.findIndex((id) => !knownStrategyIds.has(id));
    if (index >= 0) {
      const id = strategyIds[index]!;
      throw new ApiError(400, 'VALIDATION_ERROR', `strategy_ids[${index}]: no strategy with id ${id}`, {
        in: 'body',
        field: `strategy_ids[${index}]`,
        strategy_id: id,
      });
    }
  }
  const startDate = body.start_date ?? null;
  const endDate = body.end_date ?? null;
  if (startDate !== null && endDate !== null && endDate < startDate) {
    throw new ApiError(400, 'VALIDATION_ERROR', `end_date ${endDate} is before start_date ${startDate}`, { in: 'body', field: 'end_date' });
  }
  return {
    symbols: uniqueValues(body.symbols),
    timeframes: uniqueValues(body.timeframes ?? DEFAULT_TIMEFRAMES),
    riskProfiles: canonicalRiskProfiles(body.risk_profiles ?? RISK_PROFILE_NAMES),
    strategyIds: strategyIds === null ? null : uniqueValues(strategyIds),
    startDate,
    endDate,
    persistTrades: body.persist_trades ?? false,
    runId: body.run_id ?? null,
  };
}

/** A run's status as GET /api/v1/runs/:run_id shows it. */
export function toStatusBody(run: RunStatus): RunStatusBody {
  const elapsed = run.elapsedSeconds === null ? null : roundSeconds(run.elapsedSeconds);
  return {
    run_id: run.runId,
    status: run.status,
    progress: {
      completed: run.completedCombinations,
      total: run.totalCombinations,
      elapsed_seconds: elapsed,
      ...(typeof run.estimatedSecondsLeft === 'number' ? { estimated_seconds: run.estimatedSecondsLeft } : {}),
    },
    ...(run.status === 'completed' && run.summary !== null
      ? {
          summary: {
            total_combinations: run.summary.totalCombinations,
            total_trades: run.summary.totalTrades,
            total_result_records: run.summary.totalResultRecords,
            elapsed_seconds: roundSeconds(run.summary.elapsedSeconds),
          },
        }
      : {}),
    ...(run.status === 'failed' ? { error: { message: run.error ?? 'the run failed' } } : {}),
  };
}

function runNotFound(runId: string): ApiError {
  return new ApiError(404, 'RUN_NOT_FOUND', `no run with id ${runId}`, { run_id: runId });
}

async function existingRun(ctx: RouteContext, runId: string): Promise<RunStatus> {
  const run = await timed(ctx.serviceTimeoutMs, ctx.service.status(runId));
  if (run === undefined) throw runNotFound(runId);
  return run;
}

/**
 * A report is made of what a run stored: while the run goes on it would
 * describe part of it, and its check against the stored rows would race
 * the writers. A failed or cancelled run is reported as far as it got.
 */
async function finishedRun(ctx: RouteContext, runId: string): Promise<RunStatus> {
  const run = await existingRun(ctx, runId);
  if (run.status === 'queued' || run.status === 'running') {
    throw new ApiError(409, 'CONFLICT', `run ${runId} is ${run.status}: its report is made once it has finished`, { run_id: runId, status: run.status });
  }
  return run;
}

/** Making a report reads every trade (or recomputes them) and can take far longer than a service call. */
const REPORT_TIMEOUT_MS = 300_000;

function resultFilters(q: ResultsQuery): ResultFilters {
  return {
    ...(q.symbol === undefined ? {} : { symbol: q.symbol }),
    ...(q.timeframe === undefined ? {} : { timeframe: q.timeframe }),
    ...(q.strategy_id === undefined ? {} : { strategyId: q.strategy_id }),
    ...(q.risk_profile === undefined ? {} : { riskProfile: q.risk_profile }),
    ...(q.long_short === undefined ? {} : { longShort: q.long_short }),
  };
}

/** POST /api/v1/runs, GET and DELETE /api/v1/runs/:run_id, GET /api/v1/runs/:run_id/results (in the /api/v1 plugin). */
export function runRoutes(api: FastifyInstance, ctx: RouteContext): void {
  const { service, serviceTimeoutMs } = ctx;
  const knownIds = new Set(ctx.strategies.map((s) => s.id));

  addRoute<RouteTypes<typeof ENDPOINTS.submitRun>>(api, API_PREFIX, ENDPOINTS.submitRun, async (request, reply) => {
    const submitted = await timed(serviceTimeoutMs, service.submit(toRunRequest(request.body, knownIds)));
    // 202: queued now (a new run, or a failed or cancelled one resumed); 200: the existing run as it is
    reply.code(submitted.unchanged === true ? 200 : 202).header('location', `${API_PREFIX}/runs/${encodeURIComponent(submitted.runId)}`);
    return {
      run_id: submitted.runId,
      status: submitted.status,
      total_combinations: submitted.totalCombinations,
      estimated_seconds: submitted.estimatedSeconds,
    };
  });

  addRoute<RouteTypes<typeof ENDPOINTS.getRun>>(api, API_PREFIX, ENDPOINTS.getRun, async (request) =>
    toStatusBody(await existingRun(ctx, request.params.run_id)),
  );

  addRoute<RouteTypes<typeof ENDPOINTS.cancelRun>>(api, API_PREFIX, ENDPOINTS.cancelRun, async (request) => {
    const run = await timed(serviceTimeoutMs, service.cancel(request.params.run_id));
    if (run === undefined) throw runNotFound(request.params.run_id);
    return toStatusBody(run);
  });

  addRoute<RouteTypes<typeof ENDPOINTS.getRunResults>>(
    api,
    API_PREFIX,
    ENDPOINTS.getRunResults,
    async (request) => {
      const { run_id: runId } = request.params;
      const q = request.query;
      await existingRun(ctx, runId);
      const filters = resultFilters(q);
      const limit = q.limit ?? DEFAULT_LIMIT;
      const offset = q.offset ?? 0;
      const page = await timed(serviceTimeoutMs, service.results(runId, filters, limit, offset));
      // the response schema writes each row's documented fields, and only those
      return { results: page.results, total: page.total, limit, offset };
    },
  );

  addRoute<RouteTypes<typeof ENDPOINTS.getRunSummary>>(api, API_PREFIX, ENDPOINTS.getRunSummary, async (request) => {
    const { run_id: runId } = request.params;
    const q = request.query;
    await finishedRun(ctx, runId);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.offset ?? 0;
    const page = await timed(Math.max(serviceTimeoutMs, REPORT_TIMEOUT_MS), service.summary(runId, resultFilters(q), limit, offset));
    return { summary: page.rows.map(toSummaryItem), total: page.total, limit, offset, verification: page.verification };
  });

  addRoute<RouteTypes<typeof ENDPOINTS.getRunReport>>(api, API_PREFIX, ENDPOINTS.getRunReport, async (request, reply) => {
    const { run_id: runId } = request.params;
    await finishedRun(ctx, runId);
    const page = await timed(Math.max(serviceTimeoutMs, REPORT_TIMEOUT_MS), service.report(runId));
    reply.type('text/html; charset=utf-8');
    return Buffer.from(page.buffer, page.byteOffset, page.byteLength);
  });
}
