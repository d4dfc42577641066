import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column, Count } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite } from './shared.js';

const TYPES: Record<'bullish_divergence' | 'bearish_divergence', Mirrored> = {
  bullish_divergence: {
    doc: 'compared with lookback bars ago, price makes a lower low while indicator_col makes a higher value.',
    dir: UP,
  },
  bearish_divergence: {
    doc: 'compared with lookback bars ago, price makes a higher high while indicator_col makes a lower value.',
    dir: DOWN,
  },
};

/** The indicator moves past its value of lookback bars ago while the price's back extreme falls short of its own. */
export default defineFamily(TYPES, ({ dir }) => ({
  params: z.strictObject({ indicator_col: Column, lookback: Count }),
  emit: ({ indicator_col, lookback }, ctx) => {
    const [priceNow, pricePast] = [ctx.col(dir.backExtreme), ctx.col(dir.backExtreme, lookback)];
    const [indNow, indPast] = [ctx.col(indicator_col), ctx.col(indicator_col, lookback)];
    return and([
      ctx.barsAtLeast(lookback),
      allFinite([priceNow, pricePast, indNow, indPast]),
      code`${priceNow} ${dir.short} ${pricePast}`,
      code`${indNow} ${dir.past} ${indPast}`,
    ]);
  },
  columns: ({ indicator_col }) => [dir.backExtreme, indicator_col],
}));
