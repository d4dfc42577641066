import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'candle_bullish',
  doc: 'the candle-pattern column pattern_col is positive (bullish) on this bar.',
  params: z.strictObject({ pattern_col: Column }),
  emit: ({ pattern_col }, ctx) => {
    const value = ctx.col(pattern_col);
    return and([allFinite([value]), code`${value} > 0`]);
  },
  columns: ({ pattern_col }) => [pattern_col],
});
