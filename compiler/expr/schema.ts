import { z } from 'zod';
import { Column, Count, Lag } from '../registry/columns.js';
import { keyedUnion, objectKey, stringField } from '../registry/keyed.js';
import type { Num, Pred } from './types.js';

const NUM_FORMS = 'a number, a column name, or an object with "col", "op" or "rolling"';
const PRED_KEYS = ['cmp', 'all', 'any', 'not', 'finite', 'not_nan', 'min_bars', 'votes', 'every', 'some', 'count'] as const;

/** The comparison operators of the registry (`cmp`, `held_for_n_bars`). */
export const Comparison = z.enum(['>', '>=', '<', '<=', '==', '!=']);

const LagRange = z
  .tuple([Lag, Lag])
  .refine(([from, to]) => from <= to, { message: 'lags must be [from, to] with from <= to' });

export const NumSchema: z.ZodType<Num> = z.lazy(() =>
  keyedUnion<Num>(
    'number expression',
    (v) => (typeof v === 'number' ? 'number' : typeof v === 'string' ? 'column' : objectKey(['col', 'op', 'rolling'])(v)),
    {
      number: z.number(),
      column: Column,
      col: z.strictObject({ col: Column, lag: Lag }),
      op: keyedUnion<Num>(
        'operator',
        stringField('op'),
        {
          add: binary('add'),
          sub: binary('sub'),
          mul: binary('mul'),
          div: binary('div'),
          max: binary('max'),
          min: binary('min'),
          abs: z.strictObject({ op: z.literal('abs'), args: z.tuple([NumSchema]) }),
        },
        'op "add", "sub", "mul", "div", "max", "min" or "abs"',
      ),
      rolling: keyedUnion<Num>(
        'rolling function',
        stringField('rolling'),
        {
          mean: window('mean'),
          min: window('min'),
          max: window('max'),
          percentile: z.strictObject({
            rolling: z.literal('percentile'),
            of: NumSchema,
            window: Count,
            lag: Lag,
            q: z.number().min(0).max(100),
            min_count: Count,
          }),
        },
        'rolling "mean", "min", "max" or "percentile"',
      ),
    },
    NUM_FORMS,
  ),
);

function binary(op: string) {
  return z.strictObject({ op: z.literal(op), args: z.tuple([NumSchema, NumSchema]) });
}

function window(kind: string) {
  return z.strictObject({ rolling: z.literal(kind), of: NumSchema, window: Count, lag: Lag });
}

export const PredSchema: z.ZodType<Pred> = z.lazy(() =>
  keyedUnion<Pred>(
    'predicate',
    objectKey(PRED_KEYS),
    {
      cmp: z.strictObject({ cmp: Comparison, a: NumSchema, b: NumSchema }),
      all: z.strictObject({ all: z.array(PredSchema).min(1) }),
      any: z.strictObject({ any: z.array(PredSchema).min(1) }),
      not: z.strictObject({ not: PredSchema }),
      finite: z.strictObject({ finite: z.array(NumSchema).min(1) }),
      not_nan: z.strictObject({ not_nan: z.array(NumSchema).min(1) }),
      min_bars: z.strictObject({ min_bars: Lag }),
      votes: z.strictObject({ votes: z.array(PredSchema).min(1), at_least: Count }),
      every: z.strictObject({ every: PredSchema, lags: LagRange }),
      some: z.strictObject({ some: PredSchema, lags: LagRange }),
      count: z.strictObject({ count: PredSchema, lags: LagRange, at_least: Count }),
    },
    `an object with one of ${PRED_KEYS.map((k) => `"${k}"`).join(', ')}`,
  ),
);
