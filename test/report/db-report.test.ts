import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { importBars } from '../../runtime/db/bars.js';
import { ensureStrategies } from '../../runtime/db/ensure-strategies.js';
import { EXIT_REASONS } from '../../runtime/engine/trade.js';
import { InputError } from '../../runtime/errors.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { parseCsvLine } from '../../runtime/input/csv.js';
import { loadDatabaseReport } from '../../runtime/report/from-db.js';
import type { ReportData } from '../../runtime/report/model.js';
import { summarize } from '../../runtime/report/summary.js';
import { WorkerPool } from '../../runtime/run/pool.js';
import { probeRun } from '../../runtime/run/probe-run.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { PARITY_DIR, PARITY_TIMEFRAMES, fixtureLines } from '../support/parity-fixtures.js';

/**
 * `probe report --run-id`'s data: a database run of the parity bars read
 * back as a report, from its stored trades and, for the same run made
 * without them, from the engine again, checked against its stored rows.
 */

// a few strategies keep the runs quick: 1-12 trade, 51 never does on these bars; ids as the fixtures name them
const CHOSEN = STRATEGIES.filter((s) => s.id <= 12 || s.id === 51);
const PROFILES = ['low', 'medium', 'high'] as const;
const decoder = new TextDecoder();

let db: TestDatabase;
let workers: WorkerPool;

async function run(runId: string, persistTrades: boolean): Promise<void> {
  await probeRun(db.pool, workers, {
    symbols: ['SYNTH'],
    timeframes: [...PARITY_TIMEFRAMES],
    profiles: [...PROFILES],
    strategies: CHOSEN,
    runId,
    persistTrades,
    batchRows: 5000,
    strategyIds: await ensureStrategies(db.pool, CHOSEN),
  });
}

/** Trade i of the report as the fixture's trades.csv writes one (the columns the report keeps). */
function tradeLine(data: ReportData, i: number): Record<string, string | number> {
  const t = data.trades;
  const combo = data.combos[t.combo[i]!]!;
  const text = (k: number): string => decoder.decode(t.text.subarray(t.textOffsets[k]!, t.textOffsets[k + 1]!));
  return {
    timeframe: combo.timeframe,
    strategy_id: combo.strategyId,
    risk_profile: combo.profile,
    direction: t.side[i] === 1 ? 'short' : 'long',
    entry_time: new Date(t.entryTime[i]!).toISOString().replace('.000Z', 'Z'),
    exit_time: new Date(t.exitTime[i]!).toISOString().replace('.000Z', 'Z'),
    pnl_pct: t.pnl[i]!,
    bars_held: t.barsHeld[i]!,
    exit_reason: EXIT_REASONS[t.exitReason[i]!]!,
    entry_justification: text(2 * i),
    exit_justification: text(2 * i + 1),
  };
}

/** The reference's trades of the chosen strategies, in the reference's order (timeframe, strategy, profile, entry). */
function referenceTrades(): { line: Record<string, string | number>; entryPrice: number; exitPrice: number }[] {
  const [header, ...lines] = fixtureLines('trades.csv.gz');
  const columns = parseCsvLine(header!);
  const ids = new Set(CHOSEN.map((s) => String(s.id)));
  const out: { line: Record<string, string | number>; entryPrice: number; exitPrice: number }[] = [];
  for (const text of lines) {
    const fields = parseCsvLine(text);
    const r = Object.fromEntries(columns.map((c, k) => [c, fields[k]!]));
    if (!ids.has(r.strategy_id!)) continue;
    out.push({
      line: {
        timeframe: r.timeframe!,
        strategy_id: Number(r.strategy_id),
        risk_profile: r.risk_profile!,
        direction: r.direction!,
        entry_time: r.entry_time!,
        exit_time: r.exit_time!,
        pnl_pct: Number(r.pnl_pct),
        bars_held: Number(r.bars_held),
        exit_reason: r.exit_reason!,
        entry_justification: r.entry_justification!,
        exit_justification: r.exit_justification!,
      },
      entryPrice: Number(r.entry_price),
      exitPrice: Number(r.exit_price),
    });
  }
  return out;
}

let stored: ReportData;
let recomputed: ReportData;

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  workers = new WorkerPool(2);
  for (const timeframe of PARITY_TIMEFRAMES) {
    await importBars(db.pool, 'SYNTH', timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
  }
  await run('with-trades', true);
  await run('without-trades', false);
  await run('altered', false);
  stored = await loadDatabaseReport(db.pool, { runId: 'with-trades', workerPool: workers });
  recomputed = await loadDatabaseReport(db.pool, { runId: 'without-trades', workerPool: workers });
});

afterAll(async () => {
  await workers?.close();
  await db?.drop();
});

describe('a database run as a report', () => {
  it('holds every combination the run covered, trades or none, in the reference order', () => {
    const expected = PARITY_TIMEFRAMES.flatMap((timeframe) =>
      CHOSEN.flatMap((s) => PROFILES.map((profile) => ({ symbol: 'SYNTH', timeframe, strategyId: s.id, strategyName: s.name, profile }))),
    );
    expect(stored.combos).toEqual(expected);
    expect(recomputed.combos).toEqual(expected);
    // strategy 51 made no trade: its combinations are there all the same
    const summary = summarize(stored);
    expect(summary.filter((r) => r.strategyId === 51).map((r) => r.trades)).toEqual(new Array(9).fill(0));
  });

  it('reads the stored trades as the reference made them, prices from the bars', () => {
    const reference = referenceTrades();
    expect(reference.length).toBeGreaterThan(100);
    expect(stored.trades.count).toBe(reference.length);
    for (let i = 0; i < reference.length; i++) {
      expect(tradeLine(stored, i), `trade ${i}`).toEqual(reference[i]!.line);
      expect(stored.trades.entryPrice[i]).toBe(reference[i]!.entryPrice);
      expect(Math.abs(stored.trades.exitPrice[i]! - reference[i]!.exitPrice)).toBeLessThanOrEqual(1e-9 * reference[i]!.exitPrice);
    }
    expect(stored.run.verification).toBeNull();
  });

  it('recomputes the trades of a run that did not store them: the same trades, the same summary, verified', async () => {
    expect(recomputed.trades.count).toBe(stored.trades.count);
    for (let i = 0; i < stored.trades.count; i++) expect(tradeLine(recomputed, i), `trade ${i}`).toEqual(tradeLine(stored, i));
    const reference = referenceTrades();
    for (let i = 0; i < reference.length; i++) {
      expect(recomputed.trades.entryPrice[i]).toBe(reference[i]!.entryPrice);
      expect(recomputed.trades.exitPrice[i]).toBe(reference[i]!.exitPrice);
    }
    expect(summarize(recomputed)).toEqual(summarize(stored));
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'without-trades'`);
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(recomputed.run.verification).toBe(`verified against the stored results (${rows[0]!.n} rows)`);
  });

  it('states the run: symbols, timeframes, strategies, profiles, period, bar counts, registry hash', () => {
    const bars = Object.fromEntries(PARITY_TIMEFRAMES.map((t) => [`SYNTH ${t}`, readBarsCsv(resolve(PARITY_DIR, `bars_${t}.csv`))]));
    expect(stored.run).toMatchObject({
      source: 'database',
      runId: 'with-trades',
      origin: 'with-trades',
      symbols: ['SYNTH'],
      timeframes: [...PARITY_TIMEFRAMES],
      strategies: CHOSEN.map((s) => s.id),
      profiles: [...PROFILES],
      barCounts: Object.fromEntries(Object.entries(bars).map(([k, b]) => [k, b.length])),
    });
    expect(stored.run.periodStart).toBe(Math.min(...Object.values(bars).map((b) => b.time[0]!)));
    expect(stored.run.periodEnd).toBe(Math.max(...Object.values(bars).map((b) => b.time[b.length - 1]!)));
    expect(stored.run.registryHash).toMatch(/^[0-9a-f]{8,}$/);
    expect(stored.series.map((s) => [s.timeframe, s.time.length])).toEqual(PARITY_TIMEFRAMES.map((t) => [t, bars[`SYNTH ${t}`]!.length]));
    // the strategies' indicator columns for overlays, not the bar columns
    expect(stored.series[0]!.indicators.has('atr_14')).toBe(true);
    expect(stored.series[0]!.indicators.has('close')).toBe(false);
  });

  it('names the first stored row the recomputed trades do not aggregate to', async () => {
    const { rows } = await db.pool.query<{ id: number; timeframe: string; name: string; risk_profile: string; day: string; open_hour: number; long_short: string; pnl_mean: number }>(
      `SELECT r.id, r.timeframe, s.name, r.risk_profile, r.open_day::text AS day, r.open_hour, r.long_short, r.pnl_mean
         FROM strategy_probe_results r JOIN probe_strategies s ON s.id = r.strategy_id
        WHERE r.run_id = 'altered' AND r.timeframe = '1Hour' ORDER BY r.id LIMIT 1 OFFSET 7`,
    );
    const row = rows[0]!;
    await db.pool.query('UPDATE strategy_probe_results SET pnl_mean = pnl_mean + 1e-9 WHERE id = $1', [row.id]);
    const altered = await loadDatabaseReport(db.pool, { runId: 'altered', workerPool: workers });
    const strategy = CHOSEN.find((s) => s.name === row.name)!;
    expect(altered.run.verification).toContain(
      `SYNTH ${row.timeframe}, strategy ${strategy.id} ${row.name}, risk profile ${row.risk_profile}, open_day ${row.day}, ` +
        `open_hour ${row.open_hour}, ${row.long_short}: pnl_mean stored ${String(row.pnl_mean + 1e-9)}, recomputed ${String(row.pnl_mean)}`,
    );
    expect(altered.run.verification).toMatch(/^differs from the stored results \(1 of \d+ stored rows\)/);
  });

  it('refuses an unknown run id and a symbol the run does not hold, naming them', async () => {
    await expect(loadDatabaseReport(db.pool, { runId: 'no-such-run' })).rejects.toThrow(InputError);
    await expect(loadDatabaseReport(db.pool, { runId: 'no-such-run' })).rejects.toThrow(/no run "no-such-run"/);
    await expect(loadDatabaseReport(db.pool, { runId: 'with-trades', symbols: ['aapl'] })).rejects.toThrow(
      '--symbols: "AAPL" is not a symbol of run with-trades (its symbols: SYNTH)',
    );
    const lower = await loadDatabaseReport(db.pool, { runId: 'with-trades', symbols: ['synth'] });
    expect(lower.combos.length).toBe(stored.combos.length);
  });
});
