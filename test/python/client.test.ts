import { resolve } from 'node:path';
import { ROOT } from '../support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { loadRegistry } from '../support/registry.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';
import { type ServeProcess, serviceConfig, startServe } from '../support/serve.js';
import { pythonJson, runPython } from './python.js';
import { LONG } from '../../runtime/engine/trade.js';
import { loadDatabaseReport } from '../../runtime/report/from-db.js';
import { summarize } from '../../runtime/report/summary.js';
import { toSummaryItem } from '../../runtime/service/http/run-routes.js';
import { tradesOfSide } from '../../runtime/service/run-reports.js';

/**
 * clients/python/probe_client.py against a real `probe serve` (with a bearer
 * token) on a fresh database holding the parity bars: a small run submitted,
 * waited for and read back page by page equals the rows stored for it, and
 * every API error arrives as a ProbeError with the API's code.
 */

const TOKEN = 'python-client-token-0123456789';
const SCRIPT = 'test/python/client_run.py';
const REGISTRY = loadRegistry();
const REGISTRY_IDS = new Map(REGISTRY.map((s) => [s.name, s.id]));

let db: TestDatabase;
let server: ServeProcess | undefined;

interface ResultRow {
  strategy_id: number;
  strategy_name: string;
  symbol: string;
  timeframe: string;
  risk_profile: string;
  open_day: string;
  open_hour: number;
  long_short: string;
  num_trades: number;
  pnl_mean: number;
  pnl_std: number;
  max_drawdown: number;
  max_profit: number;
}

interface ClientError {
  status: number | null;
  code: string;
  message: string;
  details: Record<string, unknown> | null;
}

/** The run's rows in strategy_probe_results, in storage order, as the API shows them (registry ids). */
async function storedRows(runId: string): Promise<ResultRow[]> {
  const { rows } = await db.pool.query<Omit<ResultRow, 'strategy_id'>>(
    `SELECT s.name AS strategy_name, r.symbol, r.timeframe, r.risk_profile, r.open_day::text AS open_day, r.open_hour,
            r.long_short, r.num_trades, r.pnl_mean, r.pnl_std, r.max_drawdown, r.max_profit
     FROM strategy_probe_results r JOIN probe_strategies s ON s.id = r.strategy_id
     WHERE r.run_id = $1 ORDER BY r.id`,
    [runId],
  );
  return rows.map((row) => ({ strategy_id: REGISTRY_IDS.get(row.strategy_name) ?? 0, ...row }));
}

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  await importBars(db.pool, 'SYNTH', '1Day', readBarsCsv(resolve(PARITY_DIR, 'bars_1Day.csv')));
  server = await startServe(db.url, serviceConfig(), { PROBE_API_TOKEN: TOKEN });
});

afterAll(async () => {
  if (server) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await db?.drop();
});

describe('the Python client against probe serve', () => {
  it('submits a run, waits with progress and reads every result row as stored', async () => {
    const out = await pythonJson<{
      health: Record<string, unknown>;
      submitted: Record<string, unknown>;
      progress: [number, number][];
      final: { status: string; progress: { completed: number; total: number }; summary: Record<string, number> };
      results: ResultRow[];
      filtered: ResultRow[];
      summary: Record<string, unknown>[];
      summary_short: Record<string, unknown>[];
      cancel_finished: { status: string };
      strategies: { id: number; category: string }[];
      trend: { id: number; category: string }[];
      strategy: Record<string, unknown>;
    }>([SCRIPT, 'run', server!.url, TOKEN]);

    expect(out.health).toMatchObject({ status: 'ok', database: 'ok', strategies_loaded: REGISTRY.length });
    expect(out.submitted).toMatchObject({ run_id: 'py-client', total_combinations: 6 });
    expect(out.final.status).toBe('completed');
    expect(out.final.progress).toMatchObject({ completed: 6, total: 6 });
    // progress is reported on change only, ending complete
    expect(out.progress.at(-1)).toEqual([6, 6]);
    expect(new Set(out.progress.map((p) => p.join('/'))).size).toBe(out.progress.length);
    for (const [done, total] of out.progress) expect(total === 6 && done >= 0 && done <= 6).toBe(true);

    const stored = await storedRows('py-client');
    expect(stored.length).toBeGreaterThan(7); // more than one page of 7
    expect(out.results).toEqual(stored);
    expect(out.final.summary).toMatchObject({ total_combinations: 6, total_result_records: stored.length });
    expect(new Set(out.results.map((r) => r.strategy_id))).toEqual(new Set([1, 2]));
    expect(out.filtered).toEqual(stored.filter((r) => r.strategy_id === 2 && r.risk_profile === 'low' && r.long_short === 'long'));
    expect(out.filtered.length).toBeGreaterThan(0);

    // the run stored no trades: the server recomputed them; the summary is that of the run read here, as JSON
    const report = await loadDatabaseReport(db.pool, { runId: 'py-client', workers: 1 });
    expect(report.run.verification).toBe(`verified against the stored results (${stored.length} rows)`);
    const expected = summarize(report).map(toSummaryItem);
    expect(expected).toHaveLength(6);
    expect(out.summary).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(out.summary.reduce((n, r) => n + (r.trades as number), 0)).toBe(out.final.summary.total_trades);
    const shorts = summarize({ ...report, trades: tradesOfSide(report.trades, 1 - LONG) }).map(toSummaryItem).filter((r) => r.strategy_id === 2);
    expect(out.summary_short).toEqual(JSON.parse(JSON.stringify(shorts)));
    expect(out.summary_short.every((r) => r.long_trades === 0)).toBe(true);

    expect(out.cancel_finished.status).toBe('completed');
    expect(out.strategies.map((s) => s.id)).toEqual(REGISTRY.map((s) => s.id).sort((a, b) => a - b));
    expect(out.trend.map((s) => s.id)).toEqual(REGISTRY.filter((s) => s.category === 'trend').map((s) => s.id).sort((a, b) => a - b));
    const first = REGISTRY.find((s) => s.id === 1)!;
    expect(out.strategy).toMatchObject({ id: 1, name: first.name, entry_long: first.entry_long, exit_short: first.exit_short });
  });

  it('runs as `python3 -m probe_client`, printing the rows as JSON lines', async () => {
    const result = await runPython(
      ['-m', 'probe_client', '--url', server!.url, '--symbols', 'SYNTH', '--timeframes', '1Day', '--strategies', '1', '--run-id', 'py-cli'],
      { cwd: resolve(ROOT, 'clients/python'), env: { PROBE_API_TOKEN: TOKEN } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('3/3');
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as ResultRow);
    expect(rows).toEqual(await storedRows('py-cli'));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('raises ProbeError with the API code, message and details', async () => {
    const out = await pythonJson<Record<string, ClientError> & { no_token_health: string }>([SCRIPT, 'errors', server!.url, TOKEN]);
    for (const key of ['status_unknown', 'results_unknown', 'cancel_unknown', 'wait_unknown', 'summary_unknown']) {
      expect(out[key], key).toEqual({ status: 404, code: 'RUN_NOT_FOUND', message: 'no run with id no-such-run', details: { run_id: 'no-such-run' } });
    }
    expect(out.invalid_symbol).toMatchObject({ status: 400, code: 'INVALID_SYMBOL' });
    expect(out.invalid_symbol!.message).toContain('NOSUCHSYM');
    expect(out.no_symbols).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', details: { in: 'body' } });
    expect(out.bad_strategy).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', details: { field: 'strategy_ids[0]', strategy_id: 999999 } });
    expect(out.strategy_unknown).toMatchObject({ status: 404, code: 'STRATEGY_NOT_FOUND' });
    expect(out.no_token).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(out.no_token_health).toBe('ok');
    expect(out.connection).toMatchObject({ status: 0, code: 'CONNECTION_ERROR' });
  });
});
