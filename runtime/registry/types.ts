import type { Category, Direction, Side } from './vocabulary.js';

/**
 * The shapes generated/diagnostics.ts is written in: what the compiler
 * hands the runtime about each strategy besides its code. Types only, so
 * generated/ and the compiler can name them without loading anything.
 */

/** A condition as strategies.json writes it: its type and its parameters (docs/registry.md), as the compiler accepted it. */
export type ConditionJson = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A strategy's fields exactly as strategies.json holds them, validated by `make generate`. */
export interface RegistryStrategy {
  readonly id: number;
  readonly name: string;
  readonly display_name: string;
  readonly philosophy: string;
  readonly category: Category;
  readonly direction: Direction;
  readonly tags: readonly string[];
  readonly version: number;
  readonly entry_long: readonly ConditionJson[];
  readonly entry_short: readonly ConditionJson[];
  readonly exit_long: readonly ConditionJson[];
  readonly exit_short: readonly ConditionJson[];
  /** The exits: multiples of ATR(14) at entry and a bar count; null = not used. */
  readonly atr_stop_mult: number | null;
  readonly atr_target_mult: number | null;
  readonly trailing_atr_mult: number | null;
  readonly time_stop_bars: number | null;
  /** As written (aliases allowed); RegistryEntry.requiredColumns has them resolved. */
  readonly required_indicators: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

/** A condition that valid bars can never satisfy (why: in the warnings). */
export interface NeverTrueCondition {
  readonly side: Side;
  /** Its position in the side's list in strategies.json. */
  readonly index: number;
  readonly type: string;
  /** True when the whole side can never fire because of it. */
  readonly blocksSide: boolean;
}

/** What `make generate` proved about one strategy. */
export interface StrategyDiagnostics {
  readonly id: number;
  readonly name: string;
  /** No entry side its direction consults can ever be true. */
  readonly neverTrades: boolean;
  readonly neverTrue: readonly NeverTrueCondition[];
  /** Other strategies that compile to the same signals, exit parameters and direction, by id. */
  readonly sameSignalsAs: readonly number[];
  /** Every finding as one sentence: that it never trades, the never-true conditions in order, the strategies it duplicates. */
  readonly warnings: readonly string[];
}

/** One strategy of generated/diagnostics.ts's REGISTRY (its findings are in DIAGNOSTICS, by id). */
export interface RegistryEntry {
  readonly strategy: RegistryStrategy;
  /** required_indicators resolved to column names (aliases replaced). */
  readonly requiredColumns: readonly string[];
}
