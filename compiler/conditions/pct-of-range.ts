import { z } from 'zod';
import { type Code, and, code } from '../codegen/code.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite } from './shared.js';

interface Row extends Mirrored {
  /** The fraction of the range the close must reach, from the bar's low. */
  readonly bound: (pct: number) => Code;
}

const TYPES: Record<'in_top_pct_of_range' | 'in_bottom_pct_of_range', Row> = {
  in_top_pct_of_range: {
    doc: 'the close sits in the top pct fraction of the bar range (a bar with high == low never qualifies).',
    dir: UP,
    bound: (pct) => code`(${1} - ${pct})`,
  },
  in_bottom_pct_of_range: {
    doc: 'the close sits in the bottom pct fraction of the bar range (a bar with high == low never qualifies).',
    dir: DOWN,
    bound: (pct) => code`${pct}`,
  },
};

export default defineFamily(TYPES, ({ dir, bound }) => ({
  params: z.strictObject({ pct: z.number() }),
  emit: ({ pct }, ctx) => {
    const [high, low, close] = [ctx.col('high'), ctx.col('low'), ctx.col('close')];
    return and([
      allFinite([high, low, close]),
      code`${high} !== ${low}`,
      code`(${close} - ${low}) / (${high} - ${low}) ${dir.atOrPast} ${bound(pct)}`,
    ]);
  },
  columns: () => ['high', 'low', 'close'],
}));
