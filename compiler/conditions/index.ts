import type { Code } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';
import above from './above.js';
import allOf from './all-of.js';
import anyOf from './any-of.js';
import bearishDivergence from './bearish-divergence.js';
import below from './below.js';
import breaksAboveLevel from './breaks-above-level.js';
import breaksBelowLevel from './breaks-below-level.js';
import bullishDivergence from './bullish-divergence.js';
import candleBearish from './candle-bearish.js';
import candleBullish from './candle-bullish.js';
import consecutiveHigherCloses from './consecutive-higher-closes.js';
import consecutiveLowerCloses from './consecutive-lower-closes.js';
import crossesAbove from './crosses-above.js';
import crossesBelow from './crosses-below.js';
import type { Condition, ConditionDefinition, Recurse } from './definition.js';
import deviationFrom from './deviation-from.js';
import expr from './expr.js';
import falling from './falling.js';
import gapDown from './gap-down.js';
import gapUp from './gap-up.js';
import heldForNBars from './held-for-n-bars.js';
import inBottomPctOfRange from './in-bottom-pct-of-range.js';
import inTopPctOfRange from './in-top-pct-of-range.js';
import narrowestRange from './narrowest-range.js';
import pullbackBelow from './pullback-below.js';
import pullbackTo from './pullback-to.js';
import rangeExceedsAtr from './range-exceeds-atr.js';
import rising from './rising.js';
import squeeze from './squeeze.js';
import wasAboveThenCrossesBelow from './was-above-then-crosses-below.js';
import wasBelowThenCrossesAbove from './was-below-then-crosses-above.js';

/** The 29 condition types of the design document, then the expression form. */
export const CONDITION_TYPES: readonly ConditionDefinition<never>[] = [
  crossesAbove, crossesBelow, above, below, rising, falling, allOf, anyOf,
  pullbackTo, pullbackBelow, bullishDivergence, bearishDivergence, candleBullish, candleBearish,
  consecutiveHigherCloses, consecutiveLowerCloses, squeeze, rangeExceedsAtr, narrowestRange,
  breaksAboveLevel, breaksBelowLevel, inTopPctOfRange, inBottomPctOfRange, gapUp, gapDown,
  deviationFrom, wasBelowThenCrossesAbove, wasAboveThenCrossesBelow, heldForNBars, expr,
] as unknown as readonly ConditionDefinition<never>[];

const BY_TYPE = new Map(CONDITION_TYPES.map((d) => [d.type, d as unknown as ConditionDefinition]));

export function definitionOf(type: string): ConditionDefinition | undefined {
  return BY_TYPE.get(type);
}

function paramsOf(condition: Condition): Record<string, unknown> {
  const { type: _type, ...params } = condition;
  return params;
}

function lookup(condition: Condition): ConditionDefinition {
  const definition = BY_TYPE.get(condition.type);
  if (!definition) throw new Error(`unknown condition type ${JSON.stringify(condition.type)}`);
  return definition;
}

/** Dispatches a validated condition to its type's definition. */
export const conditions: Recurse = {
  emit(condition: Condition, ctx: EmitContext): Code {
    return lookup(condition).emit(paramsOf(condition), ctx, conditions);
  },
  columns(condition: Condition): string[] {
    return lookup(condition).columns(paramsOf(condition), conditions);
  },
  never(condition: Condition): string | undefined {
    const definition = lookup(condition);
    return definition.never?.(paramsOf(condition), conditions);
  },
};
