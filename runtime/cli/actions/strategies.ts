import { loadConfig } from '../../config/config.js';
import { InputError } from '../../errors.js';
import { type StrategyDiagnostics, diagnosticsOf } from '../../registry/diagnostics.js';
import { REGISTRY_STRATEGIES } from '../../registry/registry.js';
import type { RegistryStrategy as Strategy } from '../../registry/types.js';
import { SIDES, type Category } from '../../registry/vocabulary.js';
import { strategyInfos, strategySummary } from '../../registry/strategy-info.js';
import type { RegistryArgs } from '../commands/strategies.js';
import { refuseRegistryOption, warnOfRegistryFile } from '../registry-option.js';

/**
 * The strategies compiled into generated/, which is what every command
 * runs: probe reads no registry itself (`--registry` is refused), and says
 * so when the config's strategies.registry_file holds another one.
 */
export function registryOf(args: RegistryArgs): readonly Strategy[] {
  refuseRegistryOption(args.registry);
  warnOfRegistryFile(loadConfig(args.config));
  return REGISTRY_STRATEGIES;
}

export interface ListOptions {
  category?: Category;
  /** Only the strategies that can never trade. */
  never?: boolean;
  /** Only the strategies with the same signals and exits as another. */
  duplicates?: boolean;
  json?: boolean;
}

/** Text in aligned columns with the compiler's findings last, or a JSON array of summaries (the API's list shape). */
export function listStrategies(registry: readonly Strategy[], options: ListOptions = {}): string {
  const chosen = strategyInfos(registry)
    .map((info) => ({ info, found: diagnosticsOf(info) }))
    .filter(
      ({ info, found }) =>
        (options.category === undefined || info.category === options.category) &&
        (!options.never || found.neverTrades) &&
        (!options.duplicates || found.sameSignalsAs.length > 0),
    );
  if (options.json) return `${JSON.stringify(chosen.map(({ info }) => strategySummary(info)), null, 2)}\n`;
  const header = ['ID', 'NAME', 'CATEGORY', 'DIRECTION', 'DISPLAY NAME', 'WARNINGS'];
  const rows = [header, ...chosen.map(({ info: s, found }) => [String(s.id), s.name, s.category, s.direction, s.display_name, listNote(found)])];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}

/** A few words for the list; `probe strategies show` has the whole sentences. */
function listNote(found: StrategyDiagnostics): string {
  const notes: string[] = [];
  if (found.neverTrades) notes.push('never trades');
  else if (found.neverTrue.length > 0) notes.push('has conditions that can never be true');
  if (found.sameSignalsAs.length > 0) notes.push(`same signals as ${found.sameSignalsAs.join(', ')}`);
  return notes.join('; ');
}

/** By id (digits) or name; unknown ones are an input error (exit 2). */
export function findStrategy(registry: readonly Strategy[], key: string): Strategy {
  const wanted = key.trim();
  const found = /^\d+$/.test(wanted) ? registry.find((s) => s.id === Number(wanted)) : registry.find((s) => s.name === wanted);
  if (found) return found;
  const ids = registry.map((s) => s.id);
  const range = ids.length > 0 ? `ids ${Math.min(...ids)}-${Math.max(...ids)} or names` : 'the registry is empty';
  throw new InputError([`unknown strategy ${JSON.stringify(key)}: no strategy has that id or name (${range}; see probe strategies list)`]);
}

/** Every registry field, conditions as JSON (one per line), then the compiler's warnings. */
export function showStrategy(registry: readonly Strategy[], options: { strategy: string; json?: boolean }): string {
  const strategy = findStrategy(registry, options.strategy);
  const found = diagnosticsOf(strategy);
  if (options.json) {
    const neverTrue = found.neverTrue.map((n) => ({ side: n.side, index: n.index, type: n.type, blocks_side: n.blocksSide }));
    const extra = { never_trades: found.neverTrades, never_true: neverTrue, same_signals_as: found.sameSignalsAs, warnings: found.warnings };
    return `${JSON.stringify({ ...strategy, ...extra }, null, 2)}\n`;
  }
  const scalar = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : value === null ? 'null' : String(value));
  const fields: [string, unknown][] = [
    ['id', strategy.id],
    ['name', strategy.name],
    ['display_name', strategy.display_name],
    ['category', strategy.category],
    ['direction', strategy.direction],
    ['version', strategy.version],
    ['tags', strategy.tags],
    ['philosophy', strategy.philosophy],
    ['atr_stop_mult', strategy.atr_stop_mult],
    ['atr_target_mult', strategy.atr_target_mult],
    ['trailing_atr_mult', strategy.trailing_atr_mult],
    ['time_stop_bars', strategy.time_stop_bars],
    ['required_indicators', strategy.required_indicators],
  ];
  const width = Math.max(...fields.map(([name]) => name.length));
  const lines = fields.map(([name, value]) => `${name.padEnd(width)}  ${scalar(value)}`);
  for (const side of SIDES) {
    const conditions = strategy[side] as readonly unknown[];
    lines.push(`${side}:${conditions.length === 0 ? ' (none)' : ''}`, ...conditions.map((c) => `  ${JSON.stringify(c)}`));
  }
  lines.push('details:', ...JSON.stringify(strategy.details, null, 2).split('\n').map((l) => `  ${l}`));
  lines.push(`warnings:${found.warnings.length === 0 ? ' none' : ''}`, ...found.warnings.map((w) => `  ${w}`));
  return `${lines.join('\n')}\n`;
}
