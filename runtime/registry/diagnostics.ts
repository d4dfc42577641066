import { findingsOf } from './registry.js';
import type { StrategyDiagnostics } from './types.js';

export type { NeverTrueCondition, StrategyDiagnostics } from './types.js';
export type { Side as SideName } from './vocabulary.js';

const NOTHING_FOUND = { neverTrades: false, neverTrue: [], sameSignalsAs: [], warnings: [] } as const;

/**
 * The compiler's findings about a strategy, read from generated/ rather than
 * recomputed, so no command needs the compiler at run time. They describe
 * the strategies as compiled, which is what every run executes; a strategy
 * generated/ does not hold under the same id and name has none.
 */
export function diagnosticsOf(strategy: { readonly id: number; readonly name: string }): StrategyDiagnostics {
  const found = findingsOf(strategy.id);
  return found !== undefined && found.name === strategy.name ? found : { id: strategy.id, name: strategy.name, ...NOTHING_FOUND };
}
