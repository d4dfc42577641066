import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Count } from '../registry/columns.js';
import { defineCondition } from './definition.js';

export default defineCondition({
  type: 'narrowest_range',
  doc: 'the bar range high-low is the smallest of the last lookback bars (this one included).',
  params: z.strictObject({ lookback: Count }),
  emit: ({ lookback }, ctx) => {
    const narrowest = ctx.series(ctx.rolling({ kind: 'min', of: { op: 'sub', args: ['high', 'low'] }, window: lookback }));
    return and([
      ctx.barsAtLeast(lookback - 1),
      code`!Number.isNaN(${narrowest})`,
      code`${ctx.col('high')} - ${ctx.col('low')} <= ${narrowest}`,
    ]);
  },
  columns: () => ['high', 'low'],
});
