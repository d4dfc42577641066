import type { Pool } from 'pg';

/**
 * What a database run left behind, read back for `probe report --run-id`
 * and the service's /summary and /report. No table describes a run as a
 * whole: its combinations are in probe_run_combinations (written with their
 * result rows, trades or none), its periods in its result rows, its request
 * in probe_service_runs only when the service ran it.
 */

/** One (symbol, strategy, timeframe, risk profile) the run finished. */
export interface RunCombination {
  readonly symbol: string;
  /** probe_strategies.id */
  readonly strategyDbId: number;
  readonly strategyName: string;
  readonly timeframe: string;
  readonly profile: string;
}

/** The period one (symbol, timeframe) of the run was stored with (UTC epoch ms). */
export interface RunPeriod {
  readonly symbol: string;
  readonly timeframe: string;
  readonly start: number;
  readonly end: number;
}

/** A strategy_probe_results row of the run, its day as days since the epoch. */
export interface StoredResultRow {
  readonly symbol: string;
  readonly strategyDbId: number;
  readonly timeframe: string;
  readonly profile: string;
  readonly openDay: number;
  readonly openHour: number;
  readonly longShort: string;
  readonly numTrades: number;
  readonly pnlMean: number;
  readonly pnlStd: number;
  readonly maxDrawdown: number;
  readonly maxProfit: number;
}

/** A strategy_probe_trades row of the run, with its result row's dimensions. */
export interface StoredTrade {
  readonly symbol: string;
  readonly strategyDbId: number;
  readonly timeframe: string;
  readonly profile: string;
  readonly direction: string;
  /** UTC epoch ms. */
  readonly openTime: number;
  readonly closeTime: number;
  readonly openJustification: string;
  readonly closeJustification: string;
  /** pnl_pct * entry price, as the run wrote it. */
  readonly pnl: number;
  readonly pnlPct: number;
  readonly barsHeld: number;
}

/** The service's request for the run, as much of it as orders and bounds a report. */
export interface ServiceRequest {
  readonly symbols: readonly string[];
  readonly timeframes: readonly string[];
  readonly startDate: string | null;
  readonly endDate: string | null;
}

const DAY_MS = 86_400_000;

async function tableExists(pool: Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name]);
  return rows[0]!.found;
}

/**
 * Every combination the run finished: those recorded in
 * probe_run_combinations (with or without trades) and those with result
 * rows (a run stored before that table existed has only these).
 */
export async function runCombinations(pool: Pool, runId: string): Promise<RunCombination[]> {
  const recorded = (await tableExists(pool, 'probe_run_combinations'))
    ? `SELECT symbol, strategy_id, timeframe, risk_profile FROM probe_run_combinations WHERE run_id = $1 UNION `
    : '';
  const { rows } = await pool.query<{ symbol: string; strategy_id: number; name: string; timeframe: string; risk_profile: string }>(
    `SELECT c.symbol, c.strategy_id, s.name, c.timeframe, c.risk_profile
       FROM (${recorded}SELECT DISTINCT symbol, strategy_id, timeframe, risk_profile FROM strategy_probe_results WHERE run_id = $1) c
       JOIN probe_strategies s ON s.id = c.strategy_id`,
    [runId],
  );
  return rows.map((r) => ({ symbol: r.symbol, strategyDbId: r.strategy_id, strategyName: r.name, timeframe: r.timeframe, profile: r.risk_profile }));
}

/** The period each (symbol, timeframe) of the run was stored with; those without a result row are absent. */
export async function runPeriods(pool: Pool, runId: string): Promise<RunPeriod[]> {
  const { rows } = await pool.query<{ symbol: string; timeframe: string; start: number; end: number }>(
    `SELECT symbol, timeframe, (extract(epoch FROM min(period_start)) * 1000)::float8 AS start,
            (extract(epoch FROM max(period_end)) * 1000)::float8 AS end
       FROM strategy_probe_results WHERE run_id = $1 GROUP BY symbol, timeframe`,
    [runId],
  );
  return rows.map((r) => ({ symbol: r.symbol, timeframe: r.timeframe, start: Number(r.start), end: Number(r.end) }));
}

/**
 * The bar range a stored period was read from. A run given an end date
 * (`--end 2024-06-30`, the service's end_date) stores midnight and reads
 * the whole day; so a period ending at midnight is read to the end of its
 * day (without an end, the run stored its last bar, and a day more finds
 * no bar unless bars were added since, which the verification then names).
 */
export function barRange(period: { readonly start: number; readonly end: number }): { start: number; end: number } {
  return { start: period.start, end: period.end % DAY_MS === 0 ? period.end + DAY_MS - 1 : period.end };
}

/** The service's request for the run, when the service ran it. */
export async function serviceRequest(pool: Pool, runId: string): Promise<ServiceRequest | undefined> {
  if (!(await tableExists(pool, 'probe_service_runs'))) return undefined;
  const { rows } = await pool.query<{ request: Partial<ServiceRequest> }>('SELECT request FROM probe_service_runs WHERE run_id = $1', [runId]);
  const request = rows[0]?.request;
  if (request === undefined) return undefined;
  return {
    symbols: request.symbols ?? [],
    timeframes: request.timeframes ?? [],
    startDate: request.startDate ?? null,
    endDate: request.endDate ?? null,
  };
}

/**
 * Whether the run stored its trades: some are stored and no result row
 * with trades lacks them (a run stored without --persist-trades, or resumed
 * without it, has rows without trades).
 */
export async function tradesStored(pool: Pool, runId: string, symbols: readonly string[]): Promise<boolean> {
  const { rows } = await pool.query<{ stored: boolean; missing: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM strategy_probe_results r JOIN strategy_probe_trades t ON t.strategy_probe_result_id = r.id
                     WHERE r.run_id = $1 AND r.symbol = ANY($2)) AS stored,
            EXISTS (SELECT 1 FROM strategy_probe_results r
                     WHERE r.run_id = $1 AND r.symbol = ANY($2) AND r.num_trades > 0
                       AND NOT EXISTS (SELECT 1 FROM strategy_probe_trades t WHERE t.strategy_probe_result_id = r.id)) AS missing`,
    [runId, symbols],
  );
  return rows[0]!.stored && !rows[0]!.missing;
}

/** The run's trades of these symbols, by combination, each combination's in entry order (as the engine made them). */
export async function storedTrades(pool: Pool, runId: string, symbols: readonly string[]): Promise<StoredTrade[]> {
  const { rows } = await pool.query<unknown[]>({
    text: `SELECT r.symbol, r.strategy_id, r.timeframe, r.risk_profile, t.direction,
                  (extract(epoch FROM t.open_timestamp) * 1000)::float8, (extract(epoch FROM t.close_timestamp) * 1000)::float8,
                  coalesce(t.open_justification, ''), coalesce(t.close_justification, ''), t.pnl, t.pnl_pct, t.bars_held
             FROM strategy_probe_trades t JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id
            WHERE r.run_id = $1 AND r.symbol = ANY($2)
            ORDER BY r.symbol, r.timeframe, r.strategy_id, r.risk_profile, t.open_timestamp, t.id`,
    values: [runId, symbols],
    rowMode: 'array',
  });
  return rows.map((r) => ({
    symbol: r[0] as string,
    strategyDbId: r[1] as number,
    timeframe: r[2] as string,
    profile: r[3] as string,
    direction: r[4] as string,
    openTime: Number(r[5]),
    closeTime: Number(r[6]),
    openJustification: r[7] as string,
    closeJustification: r[8] as string,
    pnl: Number(r[9]),
    pnlPct: Number(r[10]),
    barsHeld: Number(r[11]),
  }));
}

/** The run's result rows of these symbols, in storage order. */
export async function storedResultRows(pool: Pool, runId: string, symbols: readonly string[]): Promise<StoredResultRow[]> {
  const { rows } = await pool.query<unknown[]>({
    text: `SELECT symbol, strategy_id, timeframe, risk_profile, (open_day - DATE '1970-01-01')::int, open_hour, long_short, num_trades,
                  pnl_mean, pnl_std, max_drawdown, max_profit
             FROM strategy_probe_results WHERE run_id = $1 AND symbol = ANY($2) ORDER BY id`,
    values: [runId, symbols],
    rowMode: 'array',
  });
  return rows.map((r) => ({
    symbol: r[0] as string,
    strategyDbId: r[1] as number,
    timeframe: r[2] as string,
    profile: r[3] as string,
    openDay: r[4] as number,
    openHour: r[5] as number,
    longShort: r[6] as string,
    numTrades: r[7] as number,
    pnlMean: Number(r[8]),
    pnlStd: Number(r[9]),
    maxDrawdown: Number(r[10]),
    maxProfit: Number(r[11]),
  }));
}
