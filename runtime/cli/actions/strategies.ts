import { findNeverTrue, formatNeverTrue } from '../../../compiler/diagnostics/never.js';
import { loadConfig } from '../../config/config.js';
import { InputError } from '../../io/bars-csv.js';
import { type Strategy, loadRegistry } from '../../registry/load.js';
import { strategyInfos, strategySummary } from '../../service/http/strategies.js';
import type { Category } from '../../strategy/compiled.js';
import type { RegistryArgs } from '../commands/strategies.js';

export function registryOf(args: RegistryArgs): Strategy[] {
  return loadRegistry(args.registry ?? loadConfig(args.config).strategies.registry_file);
}

/** Text in aligned columns, or a JSON array of summaries (the API's list shape). */
export function listStrategies(registry: readonly Strategy[], options: { category?: Category; json?: boolean } = {}): string {
  const chosen = strategyInfos(registry).filter((s) => options.category === undefined || s.category === options.category);
  if (options.json) return `${JSON.stringify(chosen.map(strategySummary), null, 2)}\n`;
  const rows = [['ID', 'NAME', 'CATEGORY', 'DIRECTION', 'DISPLAY NAME'], ...chosen.map((s) => [String(s.id), s.name, s.category, s.direction, s.display_name])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : c === 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
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

const SIDES = ['entry_long', 'entry_short', 'exit_long', 'exit_short'] as const;

/** Every registry field, conditions as JSON (one per line), then the never-true warnings. */
export function showStrategy(registry: readonly Strategy[], options: { strategy: string; json?: boolean }): string {
  const strategy = findStrategy(registry, options.strategy);
  const never = findNeverTrue(strategy);
  if (options.json) {
    const warnings = never.map((n) => ({ side: n.side, index: n.index, type: n.type, reason: n.reason, blocks_side: n.blocksSide, warning: formatNeverTrue(n) }));
    return `${JSON.stringify({ ...strategy, never_true: warnings }, null, 2)}\n`;
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
  lines.push(`never-true conditions:${never.length === 0 ? ' none' : ''}`, ...never.map((n) => `  ${formatNeverTrue(n)}`));
  return `${lines.join('\n')}\n`;
}
