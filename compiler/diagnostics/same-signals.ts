import type { Condition } from '../conditions/definition.js';
import { KernelTable } from '../emit/kernels.js';
import { emitSide } from '../emit/strategy.js';
import type { Strategy } from '../registry/schema.js';
import type { Side } from '../registry/validate.js';

/** The sides the engine reads: it opens only the positions a direction allows, so it only ever closes those. */
const CONSULTED: Readonly<Record<Strategy['direction'], readonly Side[]>> = {
  long_short: ['entry_long', 'entry_short', 'exit_long', 'exit_short'],
  long_only: ['entry_long', 'exit_long'],
  short_only: ['entry_short', 'exit_short'],
};

/**
 * Groups of strategies (ids ascending, two or more each) that compile to the
 * same signals and exits, and so trade identically whatever their names,
 * texts or tags say.
 */
export function findSameSignals(strategies: readonly Strategy[]): number[][] {
  // one kernel table for all, so equal condition shapes get equal kernel names
  const kernels = new KernelTable();
  const groups = new Map<string, number[]>();
  for (const strategy of [...strategies].sort((a, b) => a.id - b.id)) {
    const key = tradingForm(strategy, kernels);
    groups.set(key, [...(groups.get(key) ?? []), strategy.id]);
  }
  return [...groups.values()].filter((ids) => ids.length > 1);
}

/** Everything the engine's outcome depends on, as compiled: the consulted sides, the exit manager's parameters and the direction. */
function tradingForm(strategy: Strategy, kernels: KernelTable): string {
  const { direction, atr_stop_mult, atr_target_mult, trailing_atr_mult, time_stop_bars } = strategy;
  const sides = CONSULTED[direction].map((side) => [side, compiledConditions(strategy, side, kernels)]);
  return JSON.stringify({ direction, exits: [atr_stop_mult, atr_target_mult, trailing_atr_mult, time_stop_bars], sides });
}

/**
 * A side's conditions as the code each compiles to (canonical column names,
 * exact numbers), as a sorted set: an entry needs every condition and an exit
 * any one, so neither their order nor a repeated one changes the signal.
 */
function compiledConditions(strategy: Strategy, side: Side, kernels: KernelTable): string[] {
  const list = strategy[side] as Condition[];
  // alone on a side of a long_short strategy, a condition is never stubbed out by the direction
  const bodies = list.map((condition) => emitSide({ ...strategy, direction: 'long_short', [side]: [condition] }, side, kernels).body);
  return [...new Set(bodies)].sort();
}
