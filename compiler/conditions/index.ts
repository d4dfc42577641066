import type { z } from 'zod';
import type { Code } from '../codegen/code.js';
import type { EmitContext } from '../emit/context.js';
import { keyedUnion, stringField } from '../registry/keyed.js';
import aboveBelow from './above-below.js';
import candle from './candle.js';
import { combinators } from './combinators.js';
import { breaksLevel, crosses } from './crosses.js';
import type { Condition, ConditionDefinition, Recurse } from './definition.js';
import deviationFrom from './deviation-from.js';
import divergence from './divergence.js';
import expr from './expr.js';
import gap from './gap.js';
import heldForNBars from './held-for-n-bars.js';
import { consecutiveCloses, risingFalling } from './monotone.js';
import narrowestRange from './narrowest-range.js';
import pctOfRange from './pct-of-range.js';
import pullback from './pullback.js';
import rangeExceedsAtr from './range-exceeds-atr.js';
import squeeze from './squeeze.js';
import wasThenCrosses from './was-then-crosses.js';

const BY_TYPE = new Map<string, ConditionDefinition>();

/** The parameters sit beside `type`; each type's schema checks just those. */
function withoutType(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { type: _type, ...params } = value as Record<string, unknown>;
  return params;
}

/** A registry condition: its `type` picks the definition whose schema checks the rest. */
export const ConditionSchema: z.ZodType<Condition> = keyedUnion<Condition>(
  'condition',
  stringField('type'),
  // looked up on use, once the list below (which the combinators' schemas give this one to) is built
  (type) => BY_TYPE.get(type)?.params,
  () => `"type" to be one of ${CONDITION_TYPES.map((d) => d.type).join(', ')}`,
  withoutType,
);

/** The 29 condition types of the design document, then the expression form. Mirror pairs come from one table each. */
export const CONDITION_TYPES: readonly ConditionDefinition<never>[] = [
  ...crosses, ...aboveBelow, ...risingFalling, ...combinators(ConditionSchema),
  ...pullback, ...divergence, ...candle,
  ...consecutiveCloses, squeeze, rangeExceedsAtr, narrowestRange,
  ...breaksLevel, ...pctOfRange, ...gap,
  deviationFrom, ...wasThenCrosses, heldForNBars, expr,
] as unknown as readonly ConditionDefinition<never>[];

for (const d of CONDITION_TYPES) BY_TYPE.set(d.type, d as unknown as ConditionDefinition);

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
