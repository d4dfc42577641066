import { registryHash } from '../runtime/registry/hash.js';
import type { StrategyDiagnostics } from '../runtime/registry/types.js';
import { diagnoseRegistry, sameSignalGroups, warningLines } from './diagnostics/report.js';
import { emitModules } from './emit/module.js';
import { type RegistryError, validateRegistry } from './registry/validate.js';

export interface CompileResult {
  /** Paths relative to generated/, mapped to their text. */
  readonly files: Map<string, string>;
  /** Every finding as one line naming its strategy (what `--verbose` prints). */
  readonly warnings: string[];
  /** Per strategy, in id order (also emitted to generated/diagnostics.ts). */
  readonly diagnostics: StrategyDiagnostics[];
  /** Ids of the strategies that can never enter a trade. */
  readonly neverTrade: number[];
  /** Groups of ids of strategies that compile to the same signals and exits. */
  readonly sameSignals: number[][];
  /** The registry's sha256, of its canonical form (runtime/registry/hash.ts); also emitted as REGISTRY_HASH. */
  readonly hash: string;
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
  const diagnostics = diagnoseRegistry(validation.strategies);
  const hash = registryHash(data);
  return {
    files: emitModules(validation.strategies, diagnostics, hash),
    warnings: warningLines(diagnostics),
    diagnostics,
    neverTrade: diagnostics.filter((d) => d.neverTrades).map((d) => d.id),
    sameSignals: sameSignalGroups(diagnostics),
    hash,
  };
}
