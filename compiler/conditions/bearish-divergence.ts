import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column, Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';
import { allFinite } from './shared.js';

export default defineCondition({
  type: 'bearish_divergence',
  doc: 'compared with lookback bars ago, price makes a higher high while indicator_col makes a lower value.',
  params: z.strictObject({ indicator_col: Column, lookback: Count }),
  emit: ({ indicator_col, lookback }, ctx) => {
    const [priceNow, pricePast] = [ctx.col('high'), ctx.col('high', lookback)];
    const [indNow, indPast] = [ctx.col(indicator_col), ctx.col(indicator_col, lookback)];
    return and([
      ctx.barsAtLeast(lookback),
      allFinite([priceNow, pricePast, indNow, indPast]),
      code`${priceNow} > ${pricePast}`,
      code`${indNow} < ${indPast}`,
    ]);
  },
  columns: ({ indicator_col }) => ['high', indicator_col],
});
