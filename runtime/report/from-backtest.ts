import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RISK_PROFILE_NAMES } from '../engine/risk-profiles.js';
import { InputError } from '../errors.js';
import { isoSeconds } from '../format/time.js';
import { BAR_COLUMNS } from '../indicators/catalog.js';
import { computeIndicators } from '../indicators/compute.js';
import { type IndicatorEngine, INDICATOR_ENGINES } from '../indicators/engines.js';
import { readBarsCsv } from '../input/bars-csv.js';
import { RUN_MANIFEST_FILE, type RunManifest, runManifestSchema } from '../output/run-manifest.js';
import { REGISTRY_HASH, registryEntry } from '../registry/registry.js';
import type { WorkerPool } from '../run/pool.js';
import type { Bars } from '../series/bars.js';
import { probeVersion } from '../version.js';
import type { Combo, ReportData, ReportSeries } from './model.js';
import { parseTradesCsv } from './trades-csv.js';

export interface BacktestReportOptions {
  /** The bars folder, instead of the one run.json names. */
  readonly data?: string;
  /** Computes the indicator columns while this thread reads trades.csv; without one they are computed here. */
  readonly pool?: WorkerPool;
  /** Says what is happening, for a long read. */
  readonly note?: (message: string) => void;
}

/** The run.json of an output folder, validated; every problem names the file. */
export function readRunManifest(out: string): RunManifest {
  const file = join(out, RUN_MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError([`${file}: ${(error as Error).message}`]);
  }
  const parsed = runManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`));
  }
  return parsed.data;
}

/** The columns a report can overlay for these strategies: each one's required indicators, bar columns left out. */
export function overlayColumns(strategyIds: readonly number[]): string[] {
  const bar: ReadonlySet<string> = new Set(BAR_COLUMNS);
  const wanted = new Set<string>();
  for (const id of strategyIds) for (const column of registryEntry(id)?.requiredColumns ?? []) if (!bar.has(column)) wanted.add(column);
  return [...wanted].sort();
}

/**
 * A `probe backtest` output folder as a report's data: run.json says what
 * ran (every combination, those without trades too) and where the bars
 * are; trades.csv holds the trades. The bars must still be those the run
 * read: a different count or first/last time is an error, since the
 * report would mark trades on bars they were not made on.
 */
export async function loadBacktestReport(out: string, options: BacktestReportOptions = {}): Promise<ReportData> {
  if (!existsSync(out) || !statSync(out).isDirectory()) throw new InputError([`--from: ${out} is not a folder`]);
  const tradesFile = join(out, 'trades.csv');
  if (!existsSync(tradesFile)) throw new InputError([`--from: ${out} holds no trades.csv: is it a probe backtest output folder?`]);
  if (!existsSync(join(out, RUN_MANIFEST_FILE))) {
    throw new InputError([
      `--from: ${out} holds no ${RUN_MANIFEST_FILE}: it was written by a probe before 0.2 (or by hand); run probe backtest again to write it`,
    ]);
  }
  const manifest = readRunManifest(out);
  const profiles = RISK_PROFILE_NAMES.filter((p) => manifest.risk_profiles.includes(p));
  const strategies = [...manifest.strategies].sort((a, b) => a - b);
  const unknown = strategies.filter((id) => registryEntry(id) === undefined);
  if (unknown.length > 0) {
    throw new InputError([`${join(out, RUN_MANIFEST_FILE)}: strategies ${unknown.join(', ')} are not in this probe's registry (registry hash ${REGISTRY_HASH}, the run's ${manifest.registry_hash})`]);
  }
  const engine: IndicatorEngine = (INDICATOR_ENGINES as readonly string[]).includes(manifest.indicators) ? (manifest.indicators as IndicatorEngine) : 'port';

  const bars = manifest.timeframes.map((timeframe) => readRunBars(manifest, timeframe, options.data));
  const columns = overlayColumns(strategies);
  // the indicators are computed on the pool while this thread reads trades.csv
  const indicators = bars.map((b) =>
    options.pool ? options.pool.indicators(b, columns, engine) : Promise.resolve(computeIndicators(b, columns, { engine })),
  );

  const combos: Combo[] = [];
  const index = new Map<string, number>();
  for (const timeframe of manifest.timeframes) {
    for (const strategyId of strategies) {
      const strategyName = registryEntry(strategyId)!.strategy.name;
      for (const profile of profiles) {
        index.set(`${manifest.symbol}\u0000${timeframe}\u0000${strategyId}\u0000${strategyName}\u0000${profile}`, combos.length);
        combos.push({ symbol: manifest.symbol, timeframe, strategyId, strategyName, profile });
      }
    }
  }
  options.note?.(`reading ${tradesFile}`);
  const trades = parseTradesCsv(readFileSync(tradesFile), tradesFile, (symbol, timeframe, id, name, profile) =>
    index.get(`${symbol}\u0000${timeframe}\u0000${id}\u0000${name}\u0000${profile}`) ?? -1,
  );

  const series: ReportSeries[] = [];
  for (let k = 0; k < bars.length; k++) {
    const b = bars[k]!;
    series.push({ symbol: manifest.symbol, timeframe: manifest.timeframes[k]!, ...barColumns(b), indicators: await indicators[k]! });
  }
  const times = bars.filter((b) => b.length > 0);
  return {
    run: {
      source: 'backtest',
      origin: resolve(out),
      runId: null,
      symbols: [manifest.symbol],
      timeframes: manifest.timeframes,
      strategies,
      profiles,
      periodStart: times.length > 0 ? Math.min(...times.map((b) => b.time[0]!)) : null,
      periodEnd: times.length > 0 ? Math.max(...times.map((b) => b.time[b.length - 1]!)) : null,
      barCounts: Object.fromEntries(bars.map((b, k) => [`${manifest.symbol} ${manifest.timeframes[k]}`, b.length])),
      probeVersion: probeVersion(),
      registryHash: REGISTRY_HASH,
      verification: null,
    },
    combos,
    trades,
    series,
  };
}

function barColumns(bars: Bars): Omit<ReportSeries, 'symbol' | 'timeframe' | 'indicators'> {
  return { time: bars.time, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume };
}

/** One timeframe's bars, checked against what run.json recorded of them. */
function readRunBars(manifest: RunManifest, timeframe: string, data: string | undefined): Bars {
  const recorded = manifest.bars[timeframe];
  const file = data !== undefined ? join(data, `bars_${timeframe}.csv`) : (recorded?.file ?? join(manifest.data, `bars_${timeframe}.csv`));
  if (!existsSync(file)) {
    throw new InputError([`${file}: not found; the run read its ${timeframe} bars there: pass --data DIR with the folder that holds bars_${timeframe}.csv now`]);
  }
  const bars = readBarsCsv(file);
  if (recorded !== undefined) {
    const first = bars.length > 0 ? isoSeconds(bars.time[0]!) : null;
    const last = bars.length > 0 ? isoSeconds(bars.time[bars.length - 1]!) : null;
    if (bars.length !== recorded.count || first !== recorded.first || last !== recorded.last) {
      throw new InputError([
        `${file}: ${bars.length} bars from ${first} to ${last}, but the run read ${recorded.count} from ${recorded.first} to ${recorded.last}: ` +
          'these are not the bars the trades were made on (pass --data with the run\'s bars, or run probe backtest again)',
      ]);
    }
  }
  return bars;
}
