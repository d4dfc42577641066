import type { FastifyInstance } from 'fastify';
import type { RunService } from '../types.js';
import { ApiError } from './api-error.js';
import { ENDPOINTS, type RouteTypes } from './endpoints.js';
import { addRoute, type RouteContext } from './route.js';
import type { ApiBody } from './schemas.js';

/** GET /health's body, as its schema (schemas.ts) describes it. */
export type HealthBody = ApiBody<'Health'>;

/** What /health reports beyond the route context. */
export interface HealthSources {
  /** Worker threads replaced after dying since the server started (see WorkerPool.restarts); default none. */
  readonly workerRestarts?: () => number;
}

/** databaseOk(), counting a failure or no answer within `timeoutMs` as unreachable. */
export async function databaseAnswers(service: RunService, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([service.databaseOk().then((ok) => ok === true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /health and GET /openapi.json: open to everyone. /health answers 503
 * SERVICE_UNAVAILABLE while the database does not answer (a load balancer
 * or orchestrator then sees the instance as not ready), with the figures it
 * has in `details`.
 */
export function systemRoutes(app: FastifyInstance, ctx: RouteContext, sources: HealthSources = {}): void {
  addRoute<RouteTypes<typeof ENDPOINTS.health>>(app, '', ENDPOINTS.health, async () => {
    const ok = await databaseAnswers(ctx.service, ctx.healthTimeoutMs);
    const body: HealthBody = {
      status: ok ? 'ok' : 'degraded',
      version: ctx.version,
      strategies_loaded: ctx.strategies.length,
      uptime_seconds: Math.max(0, Math.floor((Date.now() - ctx.startedAt) / 1000)),
      database: ok ? 'ok' : 'unreachable',
      event_loop_lag_ms: ctx.eventLoopLag(),
      worker_restarts: sources.workerRestarts?.() ?? 0,
    };
    if (!ok) throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'the database does not answer', { ...body }, { 'retry-after': '5' });
    return body;
  });
  addRoute<RouteTypes<typeof ENDPOINTS.openapi>>(app, '', ENDPOINTS.openapi, async () => ctx.document);
}
