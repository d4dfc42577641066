import { DIAGNOSTICS } from '../../generated/diagnostics.js';

export type SideName = 'entry_long' | 'entry_short' | 'exit_long' | 'exit_short';

/** A condition that valid bars can never satisfy (why: in the warnings). */
export interface NeverTrueCondition {
  readonly side: SideName;
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

const NOTHING_FOUND = { neverTrades: false, neverTrue: [], sameSignalsAs: [], warnings: [] } as const;

const BY_ID = new Map(DIAGNOSTICS.map((d) => [d.id, d]));

/**
 * The compiler's findings about a strategy, read from generated/ rather than
 * recomputed, so no command needs the compiler at run time. They describe
 * the strategies as compiled, which is what every run executes; a strategy
 * generated/ does not hold under the same id and name has none.
 */
export function diagnosticsOf(strategy: { readonly id: number; readonly name: string }): StrategyDiagnostics {
  const found = BY_ID.get(strategy.id);
  return found !== undefined && found.name === strategy.name ? found : { id: strategy.id, name: strategy.name, ...NOTHING_FOUND };
}
