import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'pullback_below',
  doc: 'the high rises to within tolerance_atr_mult*ATR below level_col while the close stays below the level.',
  params: z.strictObject({ level_col: Column, tolerance_atr_mult: z.number() }),
  emit: ({ level_col, tolerance_atr_mult }, ctx) => {
    const [high, close, level, atr] = [ctx.col('high'), ctx.col('close'), ctx.col(level_col), ctx.col('atr_14')];
    return and([
      allFinite([high, close, level, atr]),
      code`${high} >= ${level} - ${tolerance_atr_mult} * ${atr}`,
      code`${close} < ${level}`,
    ]);
  },
  columns: ({ level_col }) => ['high', 'close', level_col, 'atr_14'],
});
