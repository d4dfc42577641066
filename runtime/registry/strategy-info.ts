import type { Condition } from '../../../compiler/conditions/definition.js';
import { diagnosticsOf } from '../../registry/diagnostics.js';
import type { Strategy } from '../../registry/load.js';
import type { CATEGORIES, DIRECTIONS } from './schemas.js';

export type Category = (typeof CATEGORIES)[number];
export type Direction = (typeof DIRECTIONS)[number];

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
  readonly entry_long: readonly Condition[];
  readonly entry_short: readonly Condition[];
  readonly exit_long: readonly Condition[];
  readonly exit_short: readonly Condition[];
  readonly atr_stop_mult: number | null;
  readonly atr_target_mult: number | null;
  readonly trailing_atr_mult: number | null;
  readonly time_stop_bars: number | null;
  readonly required_indicators: readonly string[];
  /** What `make generate` proved: conditions that can never be true, strategies it trades identically to. */
  readonly warnings: readonly string[];
}

/** The validated registry (loadRegistry()) as the API shows it, by id. */
export function strategyInfos(registry: readonly Strategy[]): StrategyInfo[] {
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

export function strategySummary(s: StrategyInfo): StrategySummary {
  return { id: s.id, name: s.name, display_name: s.display_name, category: s.category, direction: s.direction, tags: s.tags, version: s.version };
}

/** The detail endpoint's body: exactly the documented fields, whatever else the object carries. */
export function strategyDetail(s: StrategyInfo): StrategyInfo {
  return {
    ...strategySummary(s),
    philosophy: s.philosophy,
    entry_long: s.entry_long,
    entry_short: s.entry_short,
    exit_long: s.exit_long,
    exit_short: s.exit_short,
    atr_stop_mult: s.atr_stop_mult,
    atr_target_mult: s.atr_target_mult,
    trailing_atr_mult: s.trailing_atr_mult,
    time_stop_bars: s.time_stop_bars,
    required_indicators: s.required_indicators,
    warnings: s.warnings,
  };
}
