import type { StrategyDiagnostics } from '../../runtime/registry/types.js';
import type { Strategy } from '../registry/schema.js';
import { describeNeverTrue, findNeverTrue, neverTrades } from './never.js';
import { findSameSignals } from './same-signals.js';

/** What the compiler proves about each strategy of a validated registry, in the registry's order. */
export function diagnoseRegistry(strategies: readonly Strategy[]): StrategyDiagnostics[] {
  const groups = findSameSignals(strategies);
  const byId = new Map(strategies.map((s) => [s.id, s]));
  return strategies.map((strategy) => {
    const found = findNeverTrue(strategy);
    const never = neverTrades(strategy, found);
    const twins = (groups.find((ids) => ids.includes(strategy.id)) ?? []).filter((id) => id !== strategy.id);
    const warnings = [
      ...(never ? [`can never trade: no entry side its direction (${strategy.direction}) consults can ever be true.`] : []),
      ...found.map(describeNeverTrue),
      ...(twins.length > 0 ? [describeSameSignals(twins.map((id) => byId.get(id)!))] : []),
    ];
    return {
      id: strategy.id,
      name: strategy.name,
      neverTrades: never,
      neverTrue: found.map(({ side, index, type, blocksSide }) => ({ side, index, type, blocksSide })),
      sameSignalsAs: twins,
      warnings,
    };
  });
}

function describeSameSignals(twins: readonly Strategy[]): string {
  const names = twins.map((s) => `${s.id} ${s.name}`);
  const which = names.length === 1 ? `strategy ${names[0]}` : `strategies ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return (
    `compiles to the same signals and exits as ${which} (entry and exit conditions, stop, target, trailing stop, time stop and direction), ` +
    `so ${twins.length === 1 ? 'the two trade' : 'they all trade'} identically.`
  );
}

/** Every finding as the line `--verbose` prints, naming its strategy. */
export function warningLines(diagnostics: readonly StrategyDiagnostics[]): string[] {
  return diagnostics.flatMap((d) => d.warnings.map((w) => `warning: strategy ${d.id} ${d.name}: ${w}`));
}

/**
 * One line per kind of finding, with the command that lists the strategies:
 * a full list on every `make generate` would read like failures, and the
 * registry's known findings are not.
 */
export function summaryLines(diagnostics: readonly StrategyDiagnostics[]): string[] {
  const never = diagnostics.filter((d) => d.neverTrades).length;
  const partly = diagnostics.filter((d) => !d.neverTrades && d.neverTrue.length > 0).length;
  const groups = sameSignalGroups(diagnostics);
  const lines: string[] = [];
  if (never > 0) lines.push(`${count(never, 'strategy', 'strategies')} can never trade: probe strategies list --never`);
  if (groups.length > 0) {
    const pairs = groups.every((g) => g.length === 2);
    const what = pairs ? count(groups.length, 'pair', 'pairs') : `${count(groups.length, 'group', 'groups')} (${groups.flat().length} strategies)`;
    lines.push(`${what} of strategies trade identically: probe strategies list --duplicates`);
  }
  if (partly > 0) {
    lines.push(`${count(partly, 'more strategy has', 'more strategies have')} conditions that can never be true: npx tsx compiler/main.ts --verbose`);
  }
  return lines;
}

/** The groups of strategies that trade identically, each once, ids ascending. */
export function sameSignalGroups(diagnostics: readonly StrategyDiagnostics[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const d of diagnostics) {
    if (d.sameSignalsAs.length === 0) continue;
    const ids = [d.id, ...d.sameSignalsAs].sort((a, b) => a - b);
    groups.set(ids.join(','), ids);
  }
  return [...groups.values()];
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
