import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorBody } from '../../runtime/service/http/api-error.js';
import type { ENDPOINTS, RouteTypes } from '../../runtime/service/http/endpoints.js';
import type { HealthBody } from '../../runtime/service/http/system-routes.js';
import type { ResultPageBody, RunAcceptedBody, RunStatusBody } from '../../runtime/service/http/run-routes.js';
import type { ApiBody, CATEGORIES, ResultsQuery, RunRequestBody, StrategiesQuery } from '../../runtime/service/http/schemas.js';
import type { LagFigures } from '../../runtime/service/event-loop-lag.js';
import type { ResultItem, RunStatusName } from '../../runtime/service/types.js';

/**
 * The bodies' TypeScript types are worked out of their schemas
 * (schema-types.ts): these are the types once written by hand beside the
 * schemas, which the derived ones must equal. Checked by the compiler (npx
 * tsc), not at run time.
 */
describe('the types worked out of the schemas', () => {
  it('equal the bodies the API documents', () => {
    expectTypeOf<ResultItem>().toEqualTypeOf<{
      readonly strategy_id: number;
      readonly strategy_name: string;
      readonly symbol: string;
      readonly timeframe: string;
      readonly risk_profile: string;
      readonly open_day: string;
      readonly open_hour: number;
      readonly long_short: string;
      readonly num_trades: number;
      readonly pnl_mean: number;
      readonly pnl_std: number;
      readonly max_drawdown: number;
      readonly max_profit: number;
    }>();
    expectTypeOf<RunAcceptedBody>().toEqualTypeOf<{
      readonly run_id: string;
      readonly status: RunStatusName;
      readonly total_combinations: number;
      readonly estimated_seconds: number;
    }>();
    expectTypeOf<RunStatusBody>().toEqualTypeOf<{
      readonly run_id: string;
      readonly status: RunStatusName;
      readonly progress: {
        readonly completed: number;
        readonly total: number;
        readonly elapsed_seconds: number | null;
        readonly estimated_seconds?: number;
      };
      readonly summary?: {
        readonly total_combinations: number;
        readonly total_trades: number;
        readonly total_result_records: number;
        readonly elapsed_seconds: number;
      };
      readonly error?: { readonly message: string };
    }>();
    expectTypeOf<ResultPageBody>().toEqualTypeOf<{
      readonly results: readonly ResultItem[];
      readonly total: number;
      readonly limit: number;
      readonly offset: number;
    }>();
    expectTypeOf<HealthBody>().toEqualTypeOf<{
      readonly status: 'ok' | 'degraded';
      readonly version: string;
      readonly strategies_loaded: number;
      readonly uptime_seconds: number;
      readonly database: 'ok' | 'unreachable';
      readonly event_loop_lag_ms: { readonly p50: number; readonly p99: number; readonly max: number };
      readonly worker_restarts: number;
    }>();
    expectTypeOf<LagFigures>().toExtend<HealthBody['event_loop_lag_ms']>();
    // what every error answers with fits the Error schema
    expectTypeOf<ErrorBody>().toExtend<ApiBody<'Error'>>();
  });

  it('equal what fastify hands the handlers once the request schemas passed', () => {
    expectTypeOf<RunRequestBody>().toEqualTypeOf<{
      readonly symbols: readonly string[];
      readonly timeframes?: readonly string[];
      readonly risk_profiles?: readonly ('low' | 'medium' | 'high')[];
      readonly strategy_ids?: readonly number[] | null;
      readonly start_date?: string | null;
      readonly end_date?: string | null;
      readonly persist_trades?: boolean;
      readonly run_id?: string | null;
    }>();
    expectTypeOf<ResultsQuery>().toEqualTypeOf<{
      readonly symbol?: string;
      readonly timeframe?: string;
      readonly strategy_id?: number;
      readonly risk_profile?: 'low' | 'medium' | 'high';
      readonly long_short?: 'long' | 'short';
      readonly limit?: number;
      readonly offset?: number;
    }>();
    expectTypeOf<StrategiesQuery['category']>().toEqualTypeOf<(typeof CATEGORIES)[number] | undefined>();
    expectTypeOf<RouteTypes<typeof ENDPOINTS.getRun>['Params']>().toEqualTypeOf<{ readonly run_id: string }>();
    expectTypeOf<RouteTypes<typeof ENDPOINTS.getStrategy>['Params']>().toEqualTypeOf<{ readonly id: number }>();
    expectTypeOf<RouteTypes<typeof ENDPOINTS.submitRun>['Body']>().toEqualTypeOf<RunRequestBody>();
    expectTypeOf<RouteTypes<typeof ENDPOINTS.submitRun>['Reply']>().toEqualTypeOf<RunAcceptedBody>();
    expectTypeOf<RouteTypes<typeof ENDPOINTS.cancelRun>['Reply']>().toEqualTypeOf<RunStatusBody>();
  });
});
