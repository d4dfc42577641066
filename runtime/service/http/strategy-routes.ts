import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';
import { API_PREFIX, ENDPOINTS } from './endpoints.js';
import { addRoute, type RouteContext } from './route.js';
import type { Category, StrategyInfo } from '../../registry/strategy-info.js';

/**
 * GET /api/v1/strategies and /api/v1/strategies/:id (registered in the
 * /api/v1 plugin). The endpoints' response schemas serialise the documented
 * fields, so the handlers return the strategies as they are.
 */
export function strategyRoutes(api: FastifyInstance, ctx: RouteContext): void {
  const byId = new Map(ctx.strategies.map((s) => [s.id, s]));

  addRoute<{ Querystring: { category?: Category } }>(api, API_PREFIX, ENDPOINTS.listStrategies, async (request): Promise<{ strategies: StrategyInfo[] }> => {
    const { category } = request.query;
    return { strategies: ctx.strategies.filter((s) => category === undefined || s.category === category) };
  });

  addRoute<{ Params: { id: number } }>(api, API_PREFIX, ENDPOINTS.getStrategy, async (request): Promise<StrategyInfo> => {
    const strategy = byId.get(request.params.id);
    if (strategy === undefined) {
      throw new ApiError(404, 'STRATEGY_NOT_FOUND', `no strategy with id ${request.params.id}`, { id: request.params.id });
    }
    return strategy;
  });
}
