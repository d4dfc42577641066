import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { importBars } from '../../runtime/db/bars.js';
import { readBarsCsv } from '../../runtime/input/bars-csv.js';
import { parseCsvLine } from '../../runtime/input/csv.js';
import { ROOT, probe } from '../support/cli.js';
import { freshDatabase } from '../support/database.js';
import { PARITY_DIR, PARITY_TIMEFRAMES, fixtureLines } from '../support/parity-fixtures.js';

/**
 * `probe run` against a real PostgreSQL: results and trades equal the
 * reference fixtures, through both feature paths, and a killed run resumes
 * to exactly the rows an uninterrupted run writes.
 */
let db: { url: string; pool: Pool; drop(): Promise<void> };
const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url });
const NAMES = new Map(STRATEGIES.map((s) => [String(s.id), s.name]));

const count = async (sql: string, params: unknown[] = []): Promise<number> =>
  (await db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

/** Result rows of a run in the fixture's text form, sorted (write order follows worker completion). */
async function resultRows(runId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ key: string; pnl_mean: number; pnl_std: number; max_drawdown: number; max_profit: number }>(
    `SELECT concat_ws(',', r.symbol, r.timeframe, s.name, r.risk_profile, r.open_day::text, r.open_hour, r.long_short, r.num_trades) AS key,
            r.pnl_mean, r.pnl_std, r.max_drawdown, r.max_profit
     FROM strategy_probe_results r JOIN probe_strategies s ON s.id = r.strategy_id WHERE r.run_id = $1`,
    [runId],
  );
  // doubles arrive as numbers; String() writes them as the fixture's parsed values are written below
  return rows.map((r) => [r.key, r.pnl_mean, r.pnl_std, r.max_drawdown, r.max_profit].map(String).join(',')).sort();
}

/** A fixture CSV's rows as objects. */
function fixtureRecords(name: string): Record<string, string>[] {
  const [header, ...lines] = fixtureLines(name);
  const columns = parseCsvLine(header!);
  return lines.map((line) => {
    const fields = parseCsvLine(line);
    return Object.fromEntries(columns.map((c, k) => [c, fields[k]!]));
  });
}

// PostgreSQL prints double precision in shortest round-trip form, like JavaScript's String()
const num = (text: string): string => String(Number(text));

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  for (const timeframe of PARITY_TIMEFRAMES) {
    await importBars(db.pool, 'SYNTH', timeframe, readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`)));
  }
  const uninterrupted = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'full', '--persist-trades'], env());
  if (uninterrupted.status !== 0) throw new Error(uninterrupted.stderr);
});

afterAll(async () => {
  await db?.drop();
});

describe('probe run', () => {
  it('stores result rows equal to the reference results', async () => {
    const expected = fixtureRecords('results.csv.gz')
      .map((r) =>
        [r.symbol, r.timeframe, NAMES.get(r.strategy_id!), r.risk_profile, r.open_day, r.open_hour, r.long_short, r.num_trades,
          num(r.pnl_mean!), num(r.pnl_std!), num(r.max_drawdown!), num(r.max_profit!)].join(','),
      )
      .sort();
    expect(expected).toHaveLength(50108);
    expect(await resultRows('full')).toEqual(expected);
  });

  it('stores every trade equal to the reference, linked to the result row of its group', async () => {
    const { rows } = await db.pool.query<{ head: string; pnl_pct: number; bars_held: number; max_drawdown: number; max_profit: number; pnl_std: number; open_justification: string; close_justification: string; linked: boolean }>(
      `SELECT concat_ws(',', r.timeframe, s.name, r.risk_profile, t.direction,
                        to_char(t.open_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                        to_char(t.close_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) AS head,
              t.pnl_pct, t.bars_held, t.max_drawdown, t.max_profit, t.pnl_std, t.open_justification, t.close_justification,
              (r.open_day = (t.open_timestamp AT TIME ZONE 'UTC')::date
               AND r.open_hour = extract(hour FROM t.open_timestamp AT TIME ZONE 'UTC')
               AND r.long_short = t.direction AND r.symbol = t.ticker) AS linked
       FROM strategy_probe_trades t
       JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id
       JOIN probe_strategies s ON s.id = r.strategy_id
       WHERE r.run_id = 'full'`,
    );
    expect(rows.every((r) => r.linked)).toBe(true);
    const expected = fixtureRecords('trades.csv.gz')
      .map((t) =>
        [t.timeframe, t.strategy_name, t.risk_profile, t.direction, t.entry_time, t.exit_time, num(t.pnl_pct!), t.bars_held,
          num(t.max_drawdown_pct!), num(t.max_profit_pct!), num(t.pnl_std!), t.entry_justification, t.exit_justification].join(','),
      )
      .sort();
    expect(expected).toHaveLength(50376);
    const got = rows.map((r) =>
      [r.head, r.pnl_pct, r.bars_held, r.max_drawdown, r.max_profit, r.pnl_std, r.open_justification, r.close_justification].map(String).join(','),
    );
    expect(got.sort()).toEqual(expected);
  });

  it('gives identical results from features stored in computed_features', async () => {
    for (const timeframe of PARITY_TIMEFRAMES) {
      const computed = await probe(['db', 'compute-features', '--symbol', 'SYNTH', '--timeframe', timeframe], env());
      expect(computed.status, computed.stderr).toBe(0);
    }
    const run = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'stored-features'], env());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('features: 3 from computed_features, 0 computed');
    // without --persist-trades the trades are not stored, and still counted: every trade of the reference
    const referenceTrades = fixtureLines('trades.csv.gz').length - 1;
    expect(run.stdout).toContain(`900 combinations run; ${referenceTrades} trades; 50108 result rows written in`);
    expect(await resultRows('stored-features')).toEqual(await resultRows('full'));
  });

  it('skips everything when a finished run is run again, writing no duplicate', async () => {
    const again = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'full', '--persist-trades'], env());
    expect(again.status, again.stderr).toBe(0);
    // combinations without a trade leave no result row, and are recorded as finished all the same: none runs again
    const withRows = new Set(fixtureRecords('results.csv.gz').map((r) => `${r.timeframe}/${r.strategy_id}/${r.risk_profile}`)).size;
    expect(withRows).toBeLessThan(900);
    expect(again.stdout).toContain('0 combinations run, 900 already stored (resumed); 0 trades; 0 result rows and 0 trades written');
    expect(await count(`SELECT count(*)::int AS n FROM probe_run_combinations WHERE run_id = 'full'`)).toBe(900);
    expect(await count(`SELECT count(*)::int AS n FROM probe_run_combinations WHERE run_id = 'full' AND trades = 0`)).toBe(900 - withRows);
    expect(await count(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'full'`)).toBe(50108);
  });

  it('resumes a killed run to exactly the rows of an uninterrupted one', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(ROOT, 'runtime/cli/main.ts'), 'run', '--symbols', 'SYNTH', '--run-id', 'killed', '--persist-trades'],
      { cwd: ROOT, env: { ...process.env, ...env() }, stdio: 'ignore' },
    );
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const stored = (): Promise<number> => count(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'killed'`);
    for (let k = 0; k < 3000 && (await stored()) === 0; k++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const partial = await stored();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(50108);

    const resumed = await probe(['run', '--symbols', 'SYNTH', '--run-id', 'killed', '--persist-trades'], env());
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/already stored \(resumed\)/);
    expect(await resultRows('killed')).toEqual(await resultRows('full'));
    const trades = (runId: string): Promise<number> =>
      count(
        `SELECT count(*)::int AS n FROM strategy_probe_trades t JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id WHERE r.run_id = $1`,
        [runId],
      );
    expect(await trades('killed')).toBe(await trades('full'));
  });

  it('refuses an unknown symbol and an empty range before any work', async () => {
    const unknown = await probe(['run', '--symbols', 'SYNTH,NOPE', '--run-id', 'bad'], env());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--symbols: unknown symbol "NOPE"/);
    const empty = await probe(['run', '--symbols', 'SYNTH', '--start', '1999-01-01', '--end', '1999-12-31', '--run-id', 'bad'], env());
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/no bars for SYNTH/);
    expect(await count(`SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = 'bad'`)).toBe(0);
  });

  it('stores the requested period and uses only the bars inside it', async () => {
    const run = await probe(
      ['run', '--symbols', 'SYNTH', '--timeframes', '1Day', '--strategies', '1', '--start', '2023-06-01', '--end', '2023-12-31', '--run-id', 'ranged'],
      env(),
    );
    expect(run.status, run.stderr).toBe(0);
    const { rows } = await db.pool.query<{ start: string; end: string; first: string; last: string }>(
      `SELECT to_char(min(period_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS start,
              to_char(max(period_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS end,
              min(open_day)::text AS first, max(open_day)::text AS last
       FROM strategy_probe_results WHERE run_id = 'ranged'`,
    );
    expect(rows[0]!.start).toBe('2023-06-01 00:00:00');
    expect(rows[0]!.end).toBe('2023-12-31 00:00:00');
    expect(rows[0]!.first >= '2023-06-01').toBe(true);
    expect(rows[0]!.last <= '2023-12-31').toBe(true);
  });
});
