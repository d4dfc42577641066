import { z } from 'zod';
import { emitPred } from '../expr/emit.js';
import { predColumns, predNever } from '../expr/analyze.js';
import { PredSchema } from '../expr/schema.js';
import { defineCondition } from './definition.js';

export default defineCondition({
  type: 'expr',
  doc: 'the predicate `when` of the expression form holds (docs/registry.md).',
  params: z.strictObject({ when: PredSchema }),
  emit: ({ when }, ctx) => emitPred(when, ctx),
  columns: ({ when }) => predColumns(when),
  never: ({ when }) => predNever(when),
});
