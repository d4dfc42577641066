import { z } from 'zod';
import { ConditionSchema } from '../conditions/schema.js';
import { CATEGORIES, DIRECTIONS } from '../../runtime/registry/vocabulary.js';
import { Column } from './columns.js';

const Multiplier = z.number().positive().nullable();

export { CATEGORIES, DIRECTIONS };

export const StrategySchema = z.strictObject({
  id: z.number().int().positive(),
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case (a-z, 0-9, _; starting with a letter)'),
  display_name: z.string().min(1),
  philosophy: z.string().min(1).max(500),
  category: z.enum(CATEGORIES),
  direction: z.enum(DIRECTIONS),
  tags: z.array(z.string()),
  version: z.number().int().positive(),
  entry_long: z.array(ConditionSchema),
  entry_short: z.array(ConditionSchema),
  exit_long: z.array(ConditionSchema),
  exit_short: z.array(ConditionSchema),
  atr_stop_mult: Multiplier,
  atr_target_mult: Multiplier,
  trailing_atr_mult: Multiplier,
  time_stop_bars: z.number().int().positive().nullable(),
  required_indicators: z.array(Column),
  details: z.record(z.string(), z.unknown()),
});

export type Strategy = z.infer<typeof StrategySchema>;

export const RegistrySchema = z.array(z.unknown());
