import { findNeverTrue, formatNeverTrue, neverTrades } from './diagnostics/never.js';
import { emitModules } from './emit/module.js';
import { type RegistryError, validateRegistry } from './registry/validate.js';

export interface CompileResult {
  /** Paths relative to generated/, mapped to their text. */
  readonly files: Map<string, string>;
  readonly warnings: string[];
  /** Ids of the strategies that can never enter a trade. */
  readonly neverTrade: number[];
}

export class RegistryInvalid extends Error {
  constructor(readonly errors: readonly RegistryError[]) {
    super(`strategies.json has ${errors.length} error(s)`);
  }
}

/** Validates the registry and emits generated/; the same input always gives the same bytes. */
export function compileRegistry(data: unknown): CompileResult {
  const validation = validateRegistry(data);
  if (!validation.ok) throw new RegistryInvalid(validation.errors);
  const warnings: string[] = [];
  const neverTrade: number[] = [];
  for (const strategy of validation.strategies) {
    const found = findNeverTrue(strategy);
    warnings.push(...found.map(formatNeverTrue));
    if (neverTrades(strategy, found)) neverTrade.push(strategy.id);
  }
  return { files: emitModules(validation.strategies), warnings, neverTrade };
}
