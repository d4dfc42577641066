import { readFileSync } from 'node:fs';
import type { Strategy } from '../../compiler/registry/schema.js';
import { formatError, validateRegistry } from '../../compiler/registry/validate.js';
import { InputError } from '../io/bars-csv.js';

export type { Strategy };

/**
 * Reads and validates the strategy registry with the compiler's own
 * validator, so the runtime accepts exactly what `make generate` accepts.
 * Every problem is reported at once; strategies come back sorted by id.
 */
export function loadRegistry(path = 'strategies.json'): Strategy[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([`${path}: cannot read the strategy registry${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError([`${path}: not valid JSON: ${(error as Error).message}`]);
  }
  const validation = validateRegistry(data);
  if (!validation.ok) throw new InputError(validation.errors.map((e) => `${path}: ${formatError(e)}`));
  return validation.strategies;
}
