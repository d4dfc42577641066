import type { z } from 'zod';
import { keyedUnion, stringField } from '../registry/keyed.js';
import type { Condition } from './definition.js';
import { CONDITION_TYPES, definitionOf } from './index.js';

/** The parameters sit beside `type`; each type's schema checks just those. */
function withoutType(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const { type: _type, ...params } = value as Record<string, unknown>;
  return params;
}

export const ConditionSchema: z.ZodType<Condition> = keyedUnion<Condition>(
  'condition',
  stringField('type'),
  // looked up on use: the combinators' schemas refer back to this one
  (type) => definitionOf(type)?.params,
  () => `"type" to be one of ${CONDITION_TYPES.map((d) => d.type).join(', ')}`,
  withoutType,
);
