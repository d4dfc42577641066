import type { Category, Direction } from './vocabulary.js';

/** The columns one strategy function reads, by name, each as long as `length`. */
export interface Series {
  readonly length: number;
  readonly columns: Readonly<Record<string, Float64Array>>;
}

/** Fills `out[i]` with 1 where the signal holds on bar `i`, else 0. */
export type SignalFn = (series: Series, out: Uint8Array) => void;

/** The registry's strategy categories and directions (runtime/registry/vocabulary.ts). */
export { CATEGORIES, type Category, DIRECTIONS, type Direction } from './vocabulary.js';

/** Multiples of ATR(14) at entry and a bar count; null = not used. */
export interface ExitRules {
  readonly atrStopMult: number | null;
  readonly atrTargetMult: number | null;
  readonly trailingAtrMult: number | null;
  readonly timeStopBars: number | null;
}

/** A strategy as the compiler emits it into generated/. */
export interface CompiledStrategy {
  readonly id: number;
  readonly name: string;
  readonly displayName: string;
  readonly version: number;
  /** Registry fields the database's probe_strategies holds, so no run needs the registry itself. */
  readonly category: Category;
  readonly philosophy: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly direction: Direction;
  readonly exits: ExitRules;
  /** As written in the registry: the labels of the entry justification's snapshot. */
  readonly requiredIndicators: readonly string[];
  /** The same, resolved to column names. */
  readonly requiredColumns: readonly string[];
  /** Every column the strategy reads, including required ones and atr_14. */
  readonly columns: readonly string[];
  readonly entryLong: SignalFn;
  readonly entryShort: SignalFn;
  readonly exitLong: SignalFn;
  readonly exitShort: SignalFn;
}
