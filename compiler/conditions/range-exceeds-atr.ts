import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'range_exceeds_atr',
  doc: 'the bar range high-low exceeds multiplier*ATR.',
  params: z.strictObject({ multiplier: z.number() }),
  emit: ({ multiplier }, ctx) => {
    const range = code`(${ctx.col('high')} - ${ctx.col('low')})`;
    const atr = ctx.col('atr_14');
    return and([allFinite([range, atr]), code`${range} > ${multiplier} * ${atr}`]);
  },
  columns: () => ['high', 'low', 'atr_14'],
});
