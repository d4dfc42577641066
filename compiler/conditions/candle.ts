import { z } from 'zod';
import { and, code } from '../codegen/code.js';
import { Column } from '../registry/columns.js';
import { defineFamily } from './definition.js';
import { DOWN, type Mirrored, UP } from './direction.js';
import { allFinite } from './shared.js';

const TYPES: Record<'candle_bullish' | 'candle_bearish', Mirrored> = {
  candle_bullish: { doc: 'the candle-pattern column pattern_col is positive (bullish) on this bar.', dir: UP },
  candle_bearish: { doc: 'the candle-pattern column pattern_col is negative (bearish) on this bar.', dir: DOWN },
};

export default defineFamily(TYPES, ({ dir }) => ({
  params: z.strictObject({ pattern_col: Column }),
  emit: ({ pattern_col }, ctx) => {
    const value = ctx.col(pattern_col);
    return and([allFinite([value]), code`${value} ${dir.past} ${0}`]);
  },
  columns: ({ pattern_col }) => [pattern_col],
}));
