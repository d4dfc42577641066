import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { neverBelow } from '../diagnostics/facts.js';
import { Column } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'breaks_below_level',
  doc: 'the close moves from at or above level_col on the previous bar to strictly below it on this bar.',
  params: z.strictObject({ level_col: Column }),
  emit: ({ level_col }, ctx) => {
    const [close0, close1] = [ctx.col('close'), ctx.col('close', 1)];
    const [level0, level1] = [ctx.col(level_col), ctx.col(level_col, 1)];
    return and([
      ctx.barsAtLeast(1),
      allFinite([close0, close1, level0, level1]),
      code`${close1} >= ${level1}`,
      code`${close0} < ${level0}`,
    ]);
  },
  columns: ({ level_col }) => ['close', level_col],
  never: ({ level_col }) => neverBelow('close', level_col),
});
