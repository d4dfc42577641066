import type { Condition } from '../conditions/definition.js';
import { conditions } from '../conditions/index.js';
import type { Strategy } from '../registry/schema.js';
import { SIDES, type Side } from '../registry/validate.js';

export interface NeverTrue {
  readonly strategyId: number;
  readonly strategyName: string;
  readonly side: Side;
  readonly index: number;
  readonly type: string;
  readonly reason: string;
  /** True when the side as a whole can never fire because of it. */
  readonly blocksSide: boolean;
}

/** Conditions that valid data can never satisfy, per strategy and side. */
export function findNeverTrue(strategy: Strategy): NeverTrue[] {
  const found: NeverTrue[] = [];
  for (const side of SIDES) {
    const list = strategy[side] as Condition[];
    const entry = side.startsWith('entry');
    list.forEach((condition, index) => {
      const reason = conditions.never(condition);
      if (reason === undefined) return;
      // entries need every condition, exits any one: only an entry is blocked by one
      const blocksSide = entry || list.every((c) => conditions.never(c) !== undefined);
      found.push({ strategyId: strategy.id, strategyName: strategy.name, side, index, type: condition.type, reason, blocksSide });
    });
  }
  return found;
}

/** The finding without the strategy it belongs to, as generated/ and the API carry it. */
export function describeNeverTrue(n: NeverTrue): string {
  const consequence = n.blocksSide
    ? ` so the strategy never ${n.side.startsWith('entry') ? 'enters' : 'exits on a signal when'} ${n.side.endsWith('long') ? 'long' : 'short'}`
    : '';
  return `${n.side}[${n.index}] (${n.type}) can never be true: ${n.reason}${consequence ? `;${consequence}` : ''}.`;
}

/** Strategies whose every consulted entry side is blocked: they can never trade. */
export function neverTrades(strategy: Strategy, found: readonly NeverTrue[]): boolean {
  const consulted: Side[] =
    strategy.direction === 'long_only' ? ['entry_long'] : strategy.direction === 'short_only' ? ['entry_short'] : ['entry_long', 'entry_short'];
  return consulted.every(
    (side) => (strategy[side] as Condition[]).length === 0 || found.some((n) => n.side === side && n.blocksSide),
  );
}
