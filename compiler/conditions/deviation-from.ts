import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'deviation_from',
  doc: 'col lies more than atr_mult*ATR below (direction "below") or above (direction "above") ref_col.',
  params: z.strictObject({ col: Column, ref_col: Column, atr_mult: z.number(), direction: z.enum(['below', 'above']) }),
  emit: ({ col, ref_col, atr_mult, direction }, ctx) => {
    const [value, ref, atr] = [ctx.col(col), ctx.col(ref_col), ctx.col('atr_14')];
    const gap = direction === 'below' ? code`(${ref} - ${value})` : code`(${value} - ${ref})`;
    return and([allFinite([value, ref, atr]), code`${gap} > ${atr_mult} * ${atr}`]);
  },
  columns: ({ col, ref_col }) => [col, ref_col, 'atr_14'],
});
