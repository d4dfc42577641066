import type { Pool } from 'pg';
import { loadRegistry } from '../registry/load.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { seedStrategies, strategyIds } from './strategies.js';

/**
 * probe_strategies ids of the given strategies, by name. Strategies missing
 * from the table are inserted from the registry first (results reference
 * them); strategies already there are left as they are.
 */
export async function ensureStrategies(
  pool: Pool,
  strategies: readonly CompiledStrategy[],
  registryFile = 'strategies.json',
): Promise<Map<string, { id: number; version: number }>> {
  let ids = await strategyIds(pool);
  const missing = new Set(strategies.filter((s) => !ids.has(s.name)).map((s) => s.name));
  if (missing.size > 0) {
    await seedStrategies(pool, loadRegistry(registryFile).filter((s) => missing.has(s.name)));
    ids = await strategyIds(pool);
  }
  return ids;
}
