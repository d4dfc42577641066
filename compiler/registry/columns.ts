import { z } from 'zod';
import { resolveColumn } from '../../runtime/registry/vocabulary.js';

/** A bar column as is, an indicator column or alias by its reference name (the vocabulary's). */
export { resolveColumn };

/** A bar or indicator column name; aliases of the design document allowed. */
export const Column = z
  .string()
  .refine((name) => resolveColumn(name) !== undefined, { message: 'unknown column' });

export const ColumnOrNumber = z.union([Column, z.number()], {
  error: 'expected a column name or a number',
});

export const Count = z.number().int().min(1);
export const Lag = z.number().int().min(0);

export function canonical(name: string): string {
  const resolved = resolveColumn(name);
  if (resolved === undefined) throw new Error(`unknown column ${JSON.stringify(name)}`);
  return resolved;
}
