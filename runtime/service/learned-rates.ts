import type { Pool } from 'pg';
import { DEFAULT_RATES, type Rates, type UnitSample, fitRates } from './estimate.js';

/** The most recent finished units the rates are learned from. */
const RATE_SAMPLES = 200;

/**
 * The units any instance finished in the last week, most recent first: what
 * each did (from probe_service_units, counted at submission) and how long
 * its last attempt took (started_at to finished_at, set by the unit worker).
 * Units from before probe recorded those have no bars or times and are left out.
 */
export async function recentUnitSamples(pool: Pool, limit = RATE_SAMPLES): Promise<UnitSample[]> {
  const { rows } = await pool.query<UnitSample>(
    `SELECT u.combinations, u.bars, coalesce((r.request->>'persistTrades')::boolean, false) AS "persistTrades",
            extract(epoch FROM u.finished_at - u.started_at)::float8 AS seconds
     FROM probe_service_units u JOIN probe_service_runs r ON r.run_id = u.run_id
     WHERE u.done AND u.finished_at > now() - interval '7 days' AND u.started_at IS NOT NULL AND u.bars IS NOT NULL
     ORDER BY u.finished_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/** The unit model's rates fitted to the recent units; the defaults until some have finished. */
export async function learnedRates(pool: Pool): Promise<Rates> {
  return fitRates(await recentUnitSamples(pool), DEFAULT_RATES);
}
