import type { Pool } from 'pg';
import type { RegistryStrategy } from '../registry/types.js';

export interface SeedCounts {
  readonly inserted: number;
  readonly updated: number;
  /** Rows already identical to the registry: left alone, updated_at included. */
  readonly unchanged: number;
}

/** The registry fields that probe_strategies holds. */
export type SeedStrategy = Pick<RegistryStrategy, 'name' | 'display_name' | 'philosophy' | 'category' | 'direction' | 'details' | 'version'>;

/**
 * Upserts probe_strategies by name (the Python system's key for a strategy;
 * ids are the database's and stay stable across re-seeding), in a single
 * statement so that the table never shows half a registry.
 */
export async function seedStrategies(pool: Pool, strategies: readonly SeedStrategy[]): Promise<SeedCounts> {
  const { rows } = await pool.query<{ inserted: boolean }>(
    `INSERT INTO probe_strategies AS p (name, display_name, philosophy, strategy_type, direction, details, version)
     SELECT name, display_name, philosophy, strategy_type, direction, details::jsonb, version
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])
         AS s(name, display_name, philosophy, strategy_type, direction, details, version)
     ON CONFLICT (name) DO UPDATE SET
       display_name = EXCLUDED.display_name, philosophy = EXCLUDED.philosophy,
       strategy_type = EXCLUDED.strategy_type, direction = EXCLUDED.direction,
       details = EXCLUDED.details, version = EXCLUDED.version, updated_at = now()
     WHERE (p.display_name, p.philosophy, p.strategy_type, p.direction, p.details, p.version)
       IS DISTINCT FROM (EXCLUDED.display_name, EXCLUDED.philosophy, EXCLUDED.strategy_type, EXCLUDED.direction, EXCLUDED.details, EXCLUDED.version)
     RETURNING (xmax = 0) AS inserted`,
    [
      strategies.map((s) => s.name),
      strategies.map((s) => s.display_name),
      strategies.map((s) => s.philosophy),
      strategies.map((s) => s.category),
      strategies.map((s) => s.direction),
      strategies.map((s) => JSON.stringify(s.details)),
      strategies.map((s) => s.version),
    ],
  );
  // xmax is 0 only for a freshly inserted row version: the usual way to tell inserts from updates in one upsert
  const inserted = rows.filter((r) => r.inserted).length;
  const updated = rows.length - inserted;
  return { inserted, updated, unchanged: strategies.length - rows.length };
}

/** Every strategy in probe_strategies (or those named): name -> its id and version. */
export async function strategyIds(pool: Pool, names?: readonly string[]): Promise<Map<string, { id: number; version: number }>> {
  const { rows } =
    names === undefined
      ? await pool.query<{ name: string; id: number; version: number }>('SELECT name, id, version FROM probe_strategies')
      : await pool.query<{ name: string; id: number; version: number }>('SELECT name, id, version FROM probe_strategies WHERE name = ANY($1::text[])', [names]);
  return new Map(rows.map((r) => [r.name, { id: r.id, version: r.version }]));
}
