/**
 * A strategy as people see it: `probe strategies` and the API's strategy
 * endpoints (whose response schemas pick the documented fields).
 */
import { diagnosticsOf } from './diagnostics.js';
import { REGISTRY_STRATEGIES } from './registry.js';
import type { RegistryStrategy } from './types.js';
import type { Category, Direction } from './vocabulary.js';

export type { Category, Direction };

const SUMMARY_FIELDS = ['id', 'name', 'display_name', 'category', 'direction', 'tags', 'version'] as const;

/** A strategy as the list endpoint shows it. */
export type StrategySummary = Pick<RegistryStrategy, (typeof SUMMARY_FIELDS)[number]>;

/** A strategy as the detail endpoint shows it: its registry fields but details, and the compiler's warnings. */
export interface StrategyInfo extends Omit<RegistryStrategy, 'details'> {
  /** What `make generate` proved: conditions that can never be true, strategies it trades identically to. */
  readonly warnings: readonly string[];
}

/** The registry (default: the strategies compiled into generated/) as the API shows it, by id. */
export function strategyInfos(registry: readonly RegistryStrategy[] = REGISTRY_STRATEGIES): StrategyInfo[] {
  return registry
    .map((s) => ({
      id: s.id,
      name: s.name,
      display_name: s.display_name,
      category: s.category,
      direction: s.direction,
      tags: [...s.tags],
      version: s.version,
      philosophy: s.philosophy,
      entry_long: s.entry_long,
      entry_short: s.entry_short,
      exit_long: s.exit_long,
      exit_short: s.exit_short,
      atr_stop_mult: s.atr_stop_mult,
      atr_target_mult: s.atr_target_mult,
      trailing_atr_mult: s.trailing_atr_mult,
      time_stop_bars: s.time_stop_bars,
      required_indicators: [...s.required_indicators],
      warnings: [...diagnosticsOf(s).warnings],
    }))
    .sort((a, b) => a.id - b.id);
}

/** The summary fields only (`probe strategies list --json`). */
export function strategySummary(s: StrategyInfo): StrategySummary {
  return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, s[field]])) as unknown as StrategySummary;
}
