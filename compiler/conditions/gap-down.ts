import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'gap_down',
  doc: 'the open is more than atr_mult*ATR below the previous close.',
  params: z.strictObject({ atr_mult: z.number() }),
  emit: ({ atr_mult }, ctx) => {
    const [open, prevClose, atr] = [ctx.col('open'), ctx.col('close', 1), ctx.col('atr_14')];
    return and([ctx.barsAtLeast(1), allFinite([open, prevClose, atr]), code`${open} < ${prevClose} - ${atr_mult} * ${atr}`]);
  },
  columns: () => ['open', 'close', 'atr_14'],
});
