import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Strategy } from '../../compiler/registry/schema.js';
import { formatError, validateRegistry } from '../../compiler/registry/validate.js';
import { ROOT } from './cli.js';

export type { Strategy };

/**
 * A registry file (default: the project's strategies.json) as the compiler
 * validates it, strategies by id. The runtime reads no registry (it reads
 * generated/), so tests check what it shows against this independent view.
 */
export function loadRegistry(path = resolve(ROOT, 'strategies.json')): Strategy[] {
  const validation = validateRegistry(JSON.parse(readFileSync(path, 'utf8')));
  if (!validation.ok) throw new Error(`${path}:\n${validation.errors.map(formatError).join('\n')}`);
  return validation.strategies;
}

/** strategies.json as parsed, in its own order: the fields exactly as written. */
export function rawRegistry(path = resolve(ROOT, 'strategies.json')): Record<string, unknown>[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
}
