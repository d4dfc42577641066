import type { Pool } from 'pg';
import type { StoredStrategy } from '../output/copy-rows.js';
import { registryEntry } from '../registry/registry.js';
import type { RegistryStrategy } from '../registry/types.js';
import { type SeedStrategy, seedStrategies, strategyIds } from './strategies.js';

/**
 * probe_strategies rows (id and version) by registry id: `ids[strategy.id]`.
 * A run resolves them once (ensureStrategies) and reads them by index.
 */
export type StoredStrategies = readonly (StoredStrategy | undefined)[];

/**
 * The probe_strategies rows of the given strategies, resolved by name (the
 * table's key) once, into an array indexed by registry id. Strategies
 * missing from the table are inserted first (results reference them), with
 * the registry fields generated/ holds for them, as `probe db
 * seed-strategies` writes them; strategies already there are left as they
 * are.
 */
export async function ensureStrategies(pool: Pool, strategies: readonly { readonly id: number; readonly name: string }[]): Promise<StoredStrategies> {
  const names = strategies.map((s) => s.name);
  let rows = await strategyIds(pool, names);
  const missing = strategies.filter((s) => !rows.has(s.name));
  if (missing.length > 0) {
    await seedStrategies(pool, missing.map(compiledFields));
    rows = await strategyIds(pool, names);
  }
  const ids: (StoredStrategy | undefined)[] = [];
  for (const strategy of strategies) {
    const row = rows.get(strategy.name);
    if (row === undefined) throw new Error(`strategy ${strategy.id} ${strategy.name} is not in probe_strategies`);
    ids[strategy.id] = row;
  }
  return ids;
}

/** A strategy's registry fields, as generated/ holds them, for probe_strategies. */
export function seedRow(strategy: RegistryStrategy): SeedStrategy {
  return {
    name: strategy.name,
    display_name: strategy.display_name,
    philosophy: strategy.philosophy,
    category: strategy.category,
    direction: strategy.direction,
    details: strategy.details,
    version: strategy.version,
  };
}

function compiledFields(strategy: { readonly id: number; readonly name: string }): SeedStrategy {
  const entry = registryEntry(strategy.id);
  if (entry === undefined || entry.strategy.name !== strategy.name) {
    throw new Error(`strategy ${strategy.id} ${strategy.name} is not in generated/ (run make generate)`);
  }
  return seedRow(entry.strategy);
}
