import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'pullback_to',
  doc: 'the low dips to within tolerance_atr_mult*ATR above level_col while the close stays above the level.',
  params: z.strictObject({ level_col: Column, tolerance_atr_mult: z.number() }),
  emit: ({ level_col, tolerance_atr_mult }, ctx) => {
    const [low, close, level, atr] = [ctx.col('low'), ctx.col('close'), ctx.col(level_col), ctx.col('atr_14')];
    return and([
      allFinite([low, close, level, atr]),
      code`${low} <= ${level} + ${tolerance_atr_mult} * ${atr}`,
      code`${close} > ${level}`,
    ]);
  },
  columns: ({ level_col }) => ['low', 'close', level_col, 'atr_14'],
});
