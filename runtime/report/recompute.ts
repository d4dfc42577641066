import type { StoredResultRow } from '../db/report-queries.js';
import { ROW_FIELDS } from '../engine/aggregate.js';
import { type FieldDialect, JustificationWriter } from '../engine/justification.js';
import type { RiskProfileName } from '../engine/risk-profiles.js';
import {
  F_BARS_HELD, F_ENTRY_INDEX, F_ENTRY_PRICE, F_EXIT_INDEX, F_EXIT_PRICE, F_EXIT_REASON, F_PNL, F_SIDE, TRADE_FIELDS,
} from '../engine/trade-log.js';
import { ByteSink } from '../output/byte-sink.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { type Dataset, runBacktest } from '../run/backtest.js';
import type { WorkerPool } from '../run/pool.js';
import type { Combo, ReportTrades } from './model.js';
import { TradeColumns } from './trade-columns.js';

/** The justification texts as plain strings: no quotes, nothing escaped. */
const PLAIN: FieldDialect = { quoted: false, escape: (text) => text };

const RESULT_NUMBERS = [
  ['num_trades', 3],
  ['pnl_mean', 4],
  ['pnl_std', 5],
  ['max_drawdown', 6],
  ['max_profit', 7],
] as const;
const STORED_NUMBER: Readonly<Record<(typeof RESULT_NUMBERS)[number][0], (row: StoredResultRow) => number>> = {
  num_trades: (r) => r.numTrades,
  pnl_mean: (r) => r.pnlMean,
  pnl_std: (r) => r.pnlStd,
  max_drawdown: (r) => r.maxDrawdown,
  max_profit: (r) => r.maxProfit,
};

export interface RecomputeRequest {
  readonly symbols: readonly string[];
  /** Each symbol's bars and indicator columns, timeframes in the run's order. */
  readonly datasets: ReadonlyMap<string, readonly Dataset[]>;
  readonly combos: readonly Combo[];
  /** comboKey(symbol, timeframe, registry id, profile) -> index into combos. */
  readonly comboIndex: ReadonlyMap<string, number>;
  readonly strategies: readonly CompiledStrategy[];
  /** The run's stored result rows to check the recomputed trades against. */
  readonly storedRows: readonly StoredResultRow[];
  /** Registry id -> probe_strategies.id, as the stored rows name strategies. */
  readonly strategyDbIds: ReadonlyMap<number, number>;
  readonly pool: WorkerPool | undefined;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The trades of the run's combinations, made again by the engine on the
 * same bars and columns, and whether they aggregate to exactly the rows the
 * run stored: every row compared, dimensions and numbers, in the reference
 * order; the verdict names the first difference (a changed registry or
 * changed bars show here).
 */
export async function recomputedTrades(request: RecomputeRequest): Promise<{ trades: ReportTrades; verification: string }> {
  const { combos, comboIndex } = request;
  const stored = new Map<string, StoredResultRow>();
  for (const row of request.storedRows) {
    stored.set(rowKey(row.symbol, row.strategyDbId, row.timeframe, row.profile, row.openDay, row.openHour, row.longShort), row);
  }
  const matched = new Set<string>();
  const columns = new TradeColumns();
  const sink = new ByteSink();
  let first: string | undefined;
  let differences = 0;
  const differ = (what: string): void => {
    differences++;
    first ??= what;
  };
  const total = combos.length;
  let doneBefore = 0;
  for (const symbol of request.symbols) {
    const datasets = request.datasets.get(symbol) ?? [];
    const mine = combos.filter((c) => c.symbol === symbol && datasets.some((d) => d.timeframe === c.timeframe));
    if (mine.length === 0 || request.pool === undefined) continue;
    const ids = new Set(mine.map((c) => c.strategyId));
    const profiles = [...new Set(mine.map((c) => c.profile))];
    const result = await runBacktest({
      datasets,
      strategies: request.strategies.filter((s) => ids.has(s.id)),
      profiles,
      pool: request.pool,
      symbol,
      skip: (timeframe, strategyId, profile) => !comboIndex.has(comboKey(symbol, timeframe, strategyId, profile)),
      onProgress: (done) => request.onProgress?.(doneBefore + done, total),
    });
    doneBefore += mine.length;
    const writers = new Map<string, JustificationWriter>();
    for (const combination of result.combinations) {
      const { strategy, profile, timeframe, series } = combination;
      const combo = comboIndex.get(comboKey(symbol, timeframe, strategy.id, profile))!;
      const writerKey = `${timeframe}|${strategy.id}`;
      let writer = writers.get(writerKey);
      if (writer === undefined) writers.set(writerKey, (writer = new JustificationWriter(strategy, series, PLAIN)));
      const close = series.columns.close!;
      const packed = combination.packedTrades;
      const ends: number[] = [];
      for (let o = 0; o + TRADE_FIELDS <= packed.length; o += TRADE_FIELDS) {
        writer.entry(sink, packed, o, profile);
        ends.push(sink.size);
        writer.exit(sink, packed, o, close[packed[o + F_EXIT_INDEX]!]!);
        ends.push(sink.size);
      }
      const text = sink.take();
      for (let o = 0, k = 0; o + TRADE_FIELDS <= packed.length; o += TRADE_FIELDS, k += 2) {
        const from = k === 0 ? 0 : ends[k - 1]!;
        columns.add({
          combo,
          side: packed[o + F_SIDE]!,
          exitReason: packed[o + F_EXIT_REASON]!,
          entryTime: series.time[packed[o + F_ENTRY_INDEX]!]!,
          exitTime: series.time[packed[o + F_EXIT_INDEX]!]!,
          entryPrice: packed[o + F_ENTRY_PRICE]!,
          exitPrice: packed[o + F_EXIT_PRICE]!,
          pnl: packed[o + F_PNL]!,
          barsHeld: packed[o + F_BARS_HELD]!,
          entryText: text.subarray(from, ends[k]!),
          exitText: text.subarray(ends[k]!, ends[k + 1]!),
        });
      }

      const dbId = request.strategyDbIds.get(strategy.id)!;
      const rows = combination.packedRows;
      for (let r = 0; r + ROW_FIELDS <= rows.length; r += ROW_FIELDS) {
        const longShort = rows[r + 2] === 1 ? 'short' : 'long';
        const key = rowKey(symbol, dbId, timeframe, profile, rows[r]!, rows[r + 1]!, longShort);
        const where = describeRow(symbol, timeframe, strategy, profile, rows[r]!, rows[r + 1]!, longShort);
        const row = stored.get(key);
        if (row === undefined) {
          differ(`${where}: recomputed, not stored`);
          continue;
        }
        matched.add(key);
        for (const [column, field] of RESULT_NUMBERS) {
          const was = STORED_NUMBER[column](row);
          const now = rows[r + field]!;
          if (!same(was, now)) {
            differ(`${where}: ${column} stored ${String(was)}, recomputed ${String(now)}`);
            break;
          }
        }
      }
    }
  }
  const names = new Map(request.strategies.map((s) => [request.strategyDbIds.get(s.id), s]));
  for (const [key, row] of stored) {
    if (matched.has(key)) continue;
    const strategy = names.get(row.strategyDbId);
    const label = strategy ?? { id: 0, name: `probe_strategies id ${row.strategyDbId}` };
    differ(`${describeRow(row.symbol, row.timeframe, label, row.profile, row.openDay, row.openHour, row.longShort)}: stored, not recomputed`);
  }
  const verification =
    first === undefined
      ? `verified against the stored results (${stored.size} rows)`
      : `differs from the stored results (${differences} of ${stored.size} stored rows): first ${first}`;
  return { trades: columns.finish(), verification };
}

/** A combination's key in RecomputeRequest.comboIndex. */
export const comboKey = (symbol: string, timeframe: string, strategyId: number, profile: string): string =>
  `${symbol}|${timeframe}|${strategyId}|${profile}`;

const rowKey = (symbol: string, dbId: number, timeframe: string, profile: string, day: number, hour: number, longShort: string): string =>
  `${symbol}|${dbId}|${timeframe}|${profile}|${day}|${hour}|${longShort}`;

/** Equal doubles, NaN equal to itself (0 and -0 alike, as PostgreSQL compares them). */
function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

function describeRow(
  symbol: string,
  timeframe: string,
  strategy: { readonly id: number; readonly name: string },
  profile: RiskProfileName | string,
  day: number,
  hour: number,
  longShort: string,
): string {
  const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
  return `${symbol} ${timeframe}, strategy ${strategy.id} ${strategy.name}, risk profile ${profile}, open_day ${date}, open_hour ${hour}, ${longShort}`;
}
