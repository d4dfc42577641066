import type { FastifyInstance } from 'fastify';
import type { LagFigures } from '../event-loop-lag.js';
import type { RunService } from '../types.js';
import { ENDPOINTS } from './endpoints.js';
import { addRoute, type RouteContext } from './route.js';

export interface HealthBody {
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  readonly strategies_loaded: number;
  readonly uptime_seconds: number;
  readonly database: 'ok' | 'unreachable';
  readonly event_loop_lag_ms: LagFigures;
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

/** GET /health and GET /openapi.json: open to everyone. */
export function systemRoutes(app: FastifyInstance, ctx: RouteContext): void {
  addRoute(app, '', ENDPOINTS.health, async (): Promise<HealthBody> => {
    const ok = await databaseAnswers(ctx.service, ctx.healthTimeoutMs);
    return {
      status: ok ? 'ok' : 'degraded',
      version: ctx.version,
      strategies_loaded: ctx.strategies.length,
      uptime_seconds: Math.max(0, Math.floor((Date.now() - ctx.startedAt) / 1000)),
      database: ok ? 'ok' : 'unreachable',
      event_loop_lag_ms: ctx.eventLoopLag(),
    };
  });
  addRoute(app, '', ENDPOINTS.openapi, async () => ctx.document);
}
