import type { Pool } from 'pg';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { type SeedStrategy, seedStrategies, strategyIds } from './strategies.js';

/**
 * probe_strategies ids of the given strategies, by name. Strategies missing
 * from the table are inserted first (results reference them), from the
 * registry fields compiled into them; strategies already there are left as
 * they are.
 */
export async function ensureStrategies(pool: Pool, strategies: readonly CompiledStrategy[]): Promise<Map<string, { id: number; version: number }>> {
  let ids = await strategyIds(pool);
  const missing = strategies.filter((s) => !ids.has(s.name));
  if (missing.length > 0) {
    await seedStrategies(pool, missing.map(seedRow));
    ids = await strategyIds(pool);
  }
  return ids;
}

function seedRow(s: CompiledStrategy): SeedStrategy {
  return {
    name: s.name,
    display_name: s.displayName,
    philosophy: s.philosophy,
    category: s.category,
    direction: s.direction,
    details: { ...s.details },
    version: s.version,
  };
}
