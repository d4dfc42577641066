import type { Pool } from 'pg';
import { LONG, SHORT } from '../engine/trade.js';
import { loadDatabaseReport } from '../report/from-db.js';
import { buildReportHtml } from '../report/html/build.js';
import type { ReportData, ReportTrades } from '../report/model.js';
import { summarize } from '../report/summary.js';
import type { WorkerPool } from '../run/pool.js';
import type { ResultFilters, SummaryPageData } from './types.js';

/** Reports kept at once: a report of 245,000 trades holds about 100 MB. */
const KEPT = 2;

/**
 * The reports of finished runs for /summary and /report: read (and, for a
 * run that did not store its trades, recomputed on the service's worker
 * pool) once per run state and kept for the next pages and the HTML.
 */
export class RunReports {
  private readonly data = new Map<string, Promise<ReportData>>();
  private readonly pages = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly pool: Pool,
    private readonly workers: WorkerPool | undefined,
  ) {}

  /** `state` tells one state of the run from another (a resumed run's report is made again). */
  async summary(runId: string, state: string, filters: ResultFilters, limit: number, offset: number): Promise<SummaryPageData> {
    const data = await this.report(runId, state);
    const side = filters.longShort === undefined ? undefined : filters.longShort === 'long' ? LONG : SHORT;
    const rows = summarize(side === undefined ? data : { ...data, trades: tradesOfSide(data.trades, side) }).filter(
      (r) =>
        (filters.symbol === undefined || r.symbol === filters.symbol.toUpperCase()) &&
        (filters.timeframe === undefined || r.timeframe === filters.timeframe) &&
        (filters.strategyId === undefined || r.strategyId === filters.strategyId) &&
        (filters.riskProfile === undefined || r.riskProfile === filters.riskProfile),
    );
    return { total: rows.length, rows: rows.slice(offset, offset + limit), verification: data.run.verification };
  }

  async html(runId: string, state: string): Promise<Uint8Array> {
    return kept(this.pages, `${runId}\n${state}`, async () => {
      const data = await this.report(runId, state);
      // the texts are encoded on the worker pool: this thread serves HTTP
      return buildReportHtml(data, summarize(data), this.workers);
    });
  }

  private report(runId: string, state: string): Promise<ReportData> {
    return kept(this.data, `${runId}\n${state}`, () =>
      loadDatabaseReport(this.pool, { runId, ...(this.workers ? { workerPool: this.workers, indicatorsOn: 'pool' as const } : { workers: 1 }) }),
    );
  }
}

/** The value under `key`, made once (a failure is not kept); the oldest beyond KEPT forgotten. */
function kept<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
    cache.set(key, value);
    return value;
  }
  value = make();
  cache.set(key, value);
  value.catch(() => {
    if (cache.get(key) === value) cache.delete(key);
  });
  while (cache.size > KEPT) cache.delete(cache.keys().next().value!);
  return value;
}

/** The trades of one side only, texts and all. */
export function tradesOfSide(trades: ReportTrades, side: number): ReportTrades {
  const picked: number[] = [];
  for (let i = 0; i < trades.count; i++) if (trades.side[i] === side) picked.push(i);
  const n = picked.length;
  const take = <T extends Uint32Array | Uint8Array | Float64Array | Int32Array>(column: T, make: (m: number) => T): T => {
    const out = make(n);
    picked.forEach((i, k) => (out[k] = column[i]!));
    return out;
  };
  let size = 0;
  for (const i of picked) size += trades.textOffsets[2 * i + 2]! - trades.textOffsets[2 * i]!;
  const text = new Uint8Array(size);
  const textOffsets = new Uint32Array(2 * n + 1);
  let at = 0;
  picked.forEach((i, k) => {
    const from = trades.textOffsets[2 * i]!;
    const middle = trades.textOffsets[2 * i + 1]!;
    const end = trades.textOffsets[2 * i + 2]!;
    textOffsets[2 * k] = at;
    textOffsets[2 * k + 1] = at + middle - from;
    text.set(trades.text.subarray(from, end), at);
    at += end - from;
  });
  textOffsets[2 * n] = at;
  return {
    count: n,
    combo: take(trades.combo, (m) => new Uint32Array(m)),
    side: take(trades.side, (m) => new Uint8Array(m)),
    exitReason: take(trades.exitReason, (m) => new Uint8Array(m)),
    entryTime: take(trades.entryTime, (m) => new Float64Array(m)),
    exitTime: take(trades.exitTime, (m) => new Float64Array(m)),
    entryPrice: take(trades.entryPrice, (m) => new Float64Array(m)),
    exitPrice: take(trades.exitPrice, (m) => new Float64Array(m)),
    pnl: take(trades.pnl, (m) => new Float64Array(m)),
    barsHeld: take(trades.barsHeld, (m) => new Int32Array(m)),
    text,
    textOffsets,
  };
}
