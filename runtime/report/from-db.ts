import type { Pool } from 'pg';
import { STRATEGIES } from '../../generated/index.js';
import { loadBars } from '../db/bars.js';
import { loadFeatures } from '../db/features.js';
import {
  type RunCombination, type ServiceRequest, barRange, runCombinations, runPeriods, serviceRequest, storedResultRows, storedTrades,
  tradesStored,
} from '../db/report-queries.js';
import { RISK_PROFILE_NAMES, type RiskProfileName } from '../engine/risk-profiles.js';
import { EXIT_REASONS, LONG, SHORT, SIGNAL_EXIT, TIME_STOP } from '../engine/trade.js';
import { InputError } from '../errors.js';
import { computeIndicators } from '../indicators/compute.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { REGISTRY_HASH } from '../registry/registry.js';
import { BAR_COLUMNS, DEFAULT_TIMEFRAMES, timeframeMinutes } from '../registry/vocabulary.js';
import type { Dataset } from '../run/backtest.js';
import { WorkerPool } from '../run/pool.js';
import { indicatorsNeeded } from '../run/prepare.js';
import type { Bars } from '../series/bars.js';
import { probeVersion } from '../version.js';
import { comboKey, recomputedTrades } from './recompute.js';
import type { Combo, ReportData, ReportSeries, ReportTrades, RunInfo } from './model.js';
import { TradeColumns } from './trade-columns.js';

export interface DatabaseReportOptions {
  readonly runId: string;
  /** Only these symbols of the run (any case); default all of them. */
  readonly symbols?: readonly string[];
  /** Worker threads for recomputing trades a run did not store (a pool made and closed here); default one per core. */
  readonly workers?: number;
  /** A pool to recompute on instead (the service's); left open. */
  readonly workerPool?: WorkerPool;
  /** Where missing indicators are computed: this thread (default) or workerPool (the service keeps its thread free). */
  readonly indicatorsOn?: 'main' | 'pool';
  /** Combinations recomputed so far, of all those recomputed. */
  readonly onProgress?: (done: number, total: number) => void;
}

const DAY_MS = 86_400_000;
const BAR_NAMES: ReadonlySet<string> = new Set(BAR_COLUMNS);
const BY_NAME: ReadonlyMap<string, CompiledStrategy> = new Map(STRATEGIES.map((s) => [s.name, s]));
/** "Exit reason: <reason>; ..." (or without the tail), as the engine writes a close justification. */
const EXIT_REASON_TEXT = /^Exit reason: ([a-z_]+)/;
const ENTRY_PRICE_TEXT = / entry at (-?[0-9.]+)/;

/** One (symbol, timeframe) of the run: its bars and the indicator columns the run read. */
interface RunSeries {
  readonly symbol: string;
  readonly timeframe: string;
  readonly bars: Bars;
  readonly indicators: ReadonlyMap<string, Float64Array>;
  /** Bar index by time. */
  readonly index: ReadonlyMap<number, number>;
}

/**
 * A database run as a report: every combination it finished (trades or
 * none) in the reference's order, its bars over its period with the
 * indicator columns its strategies read (stored features when they cover
 * them, as the run used them, else computed), and its trades: those it
 * stored, or, when it stored none, the engine's again, checked against
 * its stored result rows (RunInfo.verification).
 */
export async function loadDatabaseReport(pool: Pool, options: DatabaseReportOptions): Promise<ReportData> {
  const { runId } = options;
  const finished = await runCombinations(pool, runId);
  if (finished.length === 0) {
    throw new InputError([`--run-id: no run ${JSON.stringify(runId)} in the database (no combination or result row has this run id)`]);
  }
  const request = await serviceRequest(pool, runId);
  const runSymbols = ordered([...new Set(finished.map((c) => c.symbol))], request?.symbols.map((s) => s.toUpperCase()) ?? [], (a, b) => a.localeCompare(b));
  const symbols = chosenSymbols(runId, runSymbols, options.symbols);
  const timeframes = ordered([...new Set(finished.map((c) => c.timeframe))], request?.timeframes ?? DEFAULT_TIMEFRAMES, byLength);

  const strategyOf = new Map<number, CompiledStrategy>();
  for (const c of finished) {
    if (strategyOf.has(c.strategyDbId)) continue;
    const strategy = BY_NAME.get(c.strategyName);
    if (strategy === undefined) {
      throw new InputError([
        `run ${runId} ran strategy ${JSON.stringify(c.strategyName)} (probe_strategies id ${c.strategyDbId}), which this probe's registry (generated/) does not hold`,
      ]);
    }
    strategyOf.set(c.strategyDbId, strategy);
  }
  // the run read the columns of all its strategies (stored features only when they held every one): so does the report
  const runStrategies = [...new Set(strategyOf.values())].sort((a, b) => a.id - b.id);
  const wanted = indicatorsNeeded(runStrategies);

  const chosen = new Set(symbols);
  const kept = finished.filter((c) => chosen.has(c.symbol));
  const combos = orderedCombos(kept, symbols, timeframes, strategyOf);
  const comboIndex = new Map(combos.map((c, k) => [comboKey(c.symbol, c.timeframe, c.strategyId, c.profile), k]));

  const periods = new Map((await runPeriods(pool, runId)).map((p) => [`${p.symbol} ${p.timeframe}`, p]));
  const series: RunSeries[] = [];
  const present = new Set(combos.map((c) => `${c.symbol} ${c.timeframe}`));
  let workers = options.workerPool;
  let ownPool: WorkerPool | undefined;
  const workerPool = (): WorkerPool => (workers ??= ownPool = new WorkerPool(options.workers));
  try {
    for (const symbol of symbols) {
      for (const timeframe of timeframes) {
        if (!present.has(`${symbol} ${timeframe}`)) continue;
        const range = periods.get(`${symbol} ${timeframe}`) ?? requestRange(request);
        const bounds = range === undefined ? undefined : barRange(range);
        const loaded = await loadBars(pool, symbol, timeframe, bounds?.start, bounds?.end);
        const stored = await loadFeatures(pool, symbol, timeframe, bounds?.start, bounds?.end, wanted, loaded.barIds);
        const indicators =
          stored ??
          (options.indicatorsOn === 'pool' && loaded.bars.length > 0
            ? await workerPool().indicators(loaded.bars, wanted, 'port')
            : computeIndicators(loaded.bars, wanted));
        const index = new Map<number, number>();
        for (let i = 0; i < loaded.bars.length; i++) index.set(loaded.bars.time[i]!, i);
        series.push({ symbol, timeframe, bars: loaded.bars, indicators, index });
      }
    }

    let trades: ReportTrades;
    let verification: string | null = null;
    if (await tradesStored(pool, runId, symbols)) {
      trades = await tradesFromDatabase(pool, runId, symbols, series, strategyOf, comboIndex);
    } else {
      const datasets = new Map<string, Dataset[]>();
      for (const s of series) {
        if (s.bars.length === 0) continue;
        const list = datasets.get(s.symbol) ?? [];
        list.push({ timeframe: s.timeframe, bars: s.bars, indicators: s.indicators });
        datasets.set(s.symbol, list);
      }
      const recomputed = await recomputedTrades({
        symbols,
        datasets,
        combos,
        comboIndex,
        strategies: runStrategies,
        storedRows: await storedResultRows(pool, runId, symbols),
        strategyDbIds: new Map([...strategyOf].map(([dbId, s]) => [s.id, dbId])),
        pool: combos.length > 0 ? workerPool() : undefined,
        onProgress: options.onProgress,
      });
      trades = recomputed.trades;
      verification = recomputed.verification;
    }

    return {
      run: runInfo(runId, symbols, timeframes, combos, series, verification),
      combos,
      trades,
      series: series.map((s): ReportSeries => ({
        symbol: s.symbol,
        timeframe: s.timeframe,
        time: s.bars.time,
        open: s.bars.open,
        high: s.bars.high,
        low: s.bars.low,
        close: s.bars.close,
        volume: s.bars.volume,
        indicators: new Map([...s.indicators].filter(([name]) => !BAR_NAMES.has(name))),
      })),
    };
  } finally {
    await ownPool?.close();
  }
}

/** `values` in the order `first` gives them, then the others by `rest`. */
function ordered(values: readonly string[], first: readonly string[], rest: (a: string, b: string) => number): string[] {
  const inFirst = first.filter((v, k) => values.includes(v) && first.indexOf(v) === k);
  return [...inFirst, ...values.filter((v) => !inFirst.includes(v)).sort(rest)];
}

/** Timeframes as probe runs them by default, others from the shortest. */
function byLength(a: string, b: string): number {
  return timeframeMinutes(a) - timeframeMinutes(b) || a.localeCompare(b);
}

function chosenSymbols(runId: string, runSymbols: readonly string[], wanted: readonly string[] | undefined): string[] {
  if (wanted === undefined || wanted.length === 0) return [...runSymbols];
  const upper = [...new Set(wanted.map((s) => s.trim().toUpperCase()))];
  const unknown = upper.filter((s) => !runSymbols.includes(s));
  if (unknown.length > 0) {
    throw new InputError(
      unknown.map((s) => `--symbols: ${JSON.stringify(s)} is not a symbol of run ${runId} (its symbols: ${runSymbols.join(', ')})`),
    );
  }
  return runSymbols.filter((s) => upper.includes(s));
}

function orderedCombos(
  finished: readonly RunCombination[],
  symbols: readonly string[],
  timeframes: readonly string[],
  strategyOf: ReadonlyMap<number, CompiledStrategy>,
): Combo[] {
  const rank = (values: readonly string[]): Map<string, number> => new Map(values.map((v, k) => [v, k]));
  const symbolRank = rank(symbols);
  const timeframeRank = rank(timeframes);
  const profileRank = rank(RISK_PROFILE_NAMES);
  const combos: Combo[] = finished.map((c) => {
    const strategy = strategyOf.get(c.strategyDbId)!;
    return { symbol: c.symbol, timeframe: c.timeframe, strategyId: strategy.id, strategyName: strategy.name, profile: c.profile as RiskProfileName };
  });
  return combos.sort(
    (a, b) =>
      symbolRank.get(a.symbol)! - symbolRank.get(b.symbol)! ||
      timeframeRank.get(a.timeframe)! - timeframeRank.get(b.timeframe)! ||
      a.strategyId - b.strategyId ||
      (profileRank.get(a.profile) ?? 99) - (profileRank.get(b.profile) ?? 99),
  );
}

/** The service's dates, read as its units read them (whole days), for a (symbol, timeframe) without a result row. */
function requestRange(request: ServiceRequest | undefined): { start: number; end: number } | undefined {
  if (request === undefined || (request.startDate === null && request.endDate === null)) return undefined;
  return {
    start: request.startDate === null ? -8.64e15 : Date.parse(`${request.startDate}T00:00:00Z`),
    end: request.endDate === null ? 8.64e15 - DAY_MS : Date.parse(`${request.endDate}T00:00:00Z`),
  };
}

/** The run's stored trades as columns, prices from the bars they traded on. */
async function tradesFromDatabase(
  pool: Pool,
  runId: string,
  symbols: readonly string[],
  series: readonly RunSeries[],
  strategyOf: ReadonlyMap<number, CompiledStrategy>,
  comboIndex: ReadonlyMap<string, number>,
): Promise<ReportTrades> {
  const bySeries = new Map(series.map((s) => [`${s.symbol} ${s.timeframe}`, s]));
  const columns = new TradeColumns();
  for (const t of await storedTrades(pool, runId, symbols)) {
    const strategy = strategyOf.get(t.strategyDbId)!;
    const combo = comboIndex.get(comboKey(t.symbol, t.timeframe, strategy.id, t.profile));
    if (combo === undefined) continue;
    const side = t.direction === 'short' ? SHORT : LONG;
    const reasonText = EXIT_REASON_TEXT.exec(t.closeJustification)?.[1] ?? '';
    const reason = (EXIT_REASONS as readonly string[]).indexOf(reasonText);
    if (reason < 0) {
      throw new InputError([
        `run ${runId}: a trade of ${t.symbol} ${t.timeframe} ${strategy.name} ${t.profile} opened at ${new Date(t.openTime).toISOString()} ` +
          `has no exit reason in its close justification ${JSON.stringify(t.closeJustification.slice(0, 80))}`,
      ]);
    }
    const bars = bySeries.get(`${t.symbol} ${t.timeframe}`);
    const entryIndex = bars?.index.get(t.openTime);
    const exitIndex = bars?.index.get(t.closeTime);
    // the engine fills at the open of the entry bar; pnl was written as pnl_pct x entry price
    const entryPrice =
      entryIndex !== undefined
        ? bars!.bars.open[entryIndex]!
        : t.pnlPct !== 0
          ? t.pnl / t.pnlPct
          : Number(ENTRY_PRICE_TEXT.exec(t.openJustification)?.[1] ?? Number.NaN);
    // a signal or time exit fills at the exit bar's close; stops, targets and trails at their level, which pnl_pct gives
    const exitPrice =
      (reason === SIGNAL_EXIT || reason === TIME_STOP) && exitIndex !== undefined
        ? bars!.bars.close[exitIndex]!
        : side === LONG
          ? entryPrice * (1 + t.pnlPct)
          : entryPrice * (1 - t.pnlPct);
    columns.add({
      combo,
      side,
      exitReason: reason,
      entryTime: t.openTime,
      exitTime: t.closeTime,
      entryPrice,
      exitPrice,
      pnl: t.pnlPct,
      barsHeld: t.barsHeld,
      entryText: t.openJustification,
      exitText: t.closeJustification,
    });
  }
  return columns.finish();
}

function runInfo(
  runId: string,
  symbols: readonly string[],
  timeframes: readonly string[],
  combos: readonly Combo[],
  series: readonly RunSeries[],
  verification: string | null,
): RunInfo {
  let periodStart: number | null = null;
  let periodEnd: number | null = null;
  const barCounts: Record<string, number> = {};
  for (const s of series) {
    barCounts[`${s.symbol} ${s.timeframe}`] = s.bars.length;
    if (s.bars.length === 0) continue;
    const first = s.bars.time[0]!;
    const last = s.bars.time[s.bars.length - 1]!;
    periodStart = periodStart === null ? first : Math.min(periodStart, first);
    periodEnd = periodEnd === null ? last : Math.max(periodEnd, last);
  }
  const used = new Set(combos.map((c) => c.timeframe));
  const profiles = new Set(combos.map((c) => c.profile));
  return {
    source: 'database',
    origin: runId,
    runId,
    symbols: [...symbols],
    timeframes: timeframes.filter((t) => used.has(t)),
    strategies: [...new Set(combos.map((c) => c.strategyId))].sort((a, b) => a - b),
    profiles: RISK_PROFILE_NAMES.filter((p) => profiles.has(p)),
    periodStart,
    periodEnd,
    barCounts,
    probeVersion: probeVersion(),
    registryHash: REGISTRY_HASH,
    verification,
  };
}
