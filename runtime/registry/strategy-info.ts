/**
 * A strategy as people see it: `probe strategies` and the API's strategy
 * endpoints (whose response schemas pick the documented fields).
 */
import { diagnosticsOf } from './diagnostics.js';
import { REGISTRY_STRATEGIES } from './registry.js';
import type { ConditionJson, RegistryStrategy } from './types.js';
import type { Category, Direction } from './vocabulary.js';

export type { Category, Direction };

/** A strategy as the list endpoint shows it. */
export interface StrategySummary {
  readonly id: number;
  readonly name: string;
  readonly display_name: string;
  readonly category: Category;
  readonly direction: Direction;
  readonly tags: readonly string[];
  readonly version: number;
}

/** A strategy as the detail endpoint shows it: the summary, its philosophy, conditions, exit parameters and the compiler's warnings. */
export interface StrategyInfo extends StrategySummary {
  readonly philosophy: string;
  readonly entry_long: readonly ConditionJson[];
  readonly entry_short: readonly ConditionJson[];
  readonly exit_long: readonly ConditionJson[];
  readonly exit_short: readonly ConditionJson[];
  readonly atr_stop_mult: number | null;
  readonly atr_target_mult: number | null;
  readonly trailing_atr_mult: number | null;
  readonly time_stop_bars: number | null;
  readonly required_indicators: readonly string[];
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
  return { id: s.id, name: s.name, display_name: s.display_name, category: s.category, direction: s.direction, tags: s.tags, version: s.version };
}
