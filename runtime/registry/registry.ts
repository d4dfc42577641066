import { DIAGNOSTICS, REGISTRY, REGISTRY_HASH } from '../../generated/diagnostics.js';
import type { RegistryEntry, RegistryStrategy, StrategyDiagnostics } from './types.js';

export type { ConditionJson, NeverTrueCondition, RegistryEntry, RegistryStrategy, StrategyDiagnostics } from './types.js';
export { REGISTRY_HASH };

/**
 * The registry as `make generate` compiled it, read from generated/ (no
 * strategy code loaded): what `probe strategies`, the API, `probe db
 * seed-strategies` and the run path know about the strategies. The runtime
 * never reads strategies.json itself (registry-file.ts only compares it).
 */
export const REGISTRY_ENTRIES: readonly RegistryEntry[] = REGISTRY;

/** Every strategy's registry fields, in id order. */
export const REGISTRY_STRATEGIES: readonly RegistryStrategy[] = REGISTRY.map((entry) => entry.strategy);

const BY_ID: ReadonlyMap<number, RegistryEntry> = new Map(REGISTRY.map((entry) => [entry.strategy.id, entry]));
const FINDINGS: ReadonlyMap<number, StrategyDiagnostics> = new Map(DIAGNOSTICS.map((d) => [d.id, d]));

/** The compiled strategy with this registry id, if any. */
export function registryEntry(id: number): RegistryEntry | undefined {
  return BY_ID.get(id);
}

/** What the compiler proved about the strategy with this registry id; undefined when it found nothing. */
export function findingsOf(id: number): StrategyDiagnostics | undefined {
  return FINDINGS.get(id);
}
