/**
 * A strategy's identity between the registry and the database: a run
 * resolves the probe_strategies ids of its strategies once, into an array
 * indexed by registry id (ensureStrategies), and the API's results name
 * strategies by registry id again (PgRunService#results), whatever ids the
 * database gave them.
 */
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../generated/index.js';
import { ensureStrategies } from '../../runtime/db/ensure-strategies.js';
import { seedStrategies, strategyIds } from '../../runtime/db/strategies.js';
import { REGISTRY_STRATEGIES } from '../../runtime/registry/registry.js';
import { PgRunService } from '../../runtime/service/pg-run-service.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';

let db: TestDatabase;
const [first, second, third] = STRATEGIES as [typeof STRATEGIES[number], typeof STRATEGIES[number], typeof STRATEGIES[number]];

beforeAll(async () => {
  db = await freshDatabase({ schema: true });
  // a strategy the registry does not hold, first: the database's ids are not the registry's
  await seedStrategies(db.pool, [{ ...REGISTRY_STRATEGIES[0]!, name: 'not_in_the_registry' }]);
});

afterAll(async () => {
  await db?.drop();
});

describe('ensureStrategies', () => {
  it('gives the probe_strategies rows by registry id, inserting the missing strategies from generated/', async () => {
    const ids = await ensureStrategies(db.pool, [third, first]);
    const stored = await strategyIds(db.pool);
    expect(ids[third.id]).toEqual(stored.get(third.name));
    expect(ids[first.id]).toEqual(stored.get(first.name));
    expect(ids[second.id]).toBeUndefined();
    expect(ids[third.id]!.id).not.toBe(third.id);
    const { rows } = await db.pool.query('SELECT name, display_name, philosophy, strategy_type, direction, details, version FROM probe_strategies WHERE name = $1', [third.name]);
    const fields = REGISTRY_STRATEGIES.find((s) => s.id === third.id)!;
    expect(rows).toEqual([{
      name: fields.name, display_name: fields.display_name, philosophy: fields.philosophy, strategy_type: fields.category,
      direction: fields.direction, details: fields.details, version: fields.version,
    }]);
  });

  it('leaves the rows already there as they are, and resolves them again to the same ids', async () => {
    await db.pool.query(`UPDATE probe_strategies SET version = 7 WHERE name = $1`, [first.name]);
    const before = await ensureStrategies(db.pool, [first, third]);
    const again = await ensureStrategies(db.pool, [first, second, third]);
    expect(again[first.id]).toEqual({ id: before[first.id]!.id, version: 7 });
    expect(again[third.id]).toEqual(before[third.id]);
    expect(again[second.id]).toBeDefined();
    expect((await strategyIds(db.pool)).size).toBe(4);
  });
});

describe('PgRunService results', () => {
  it('names each row\'s strategy by its registry id, and filters by registry id', async () => {
    const stored = await strategyIds(db.pool);
    const rows = [first.name, third.name, 'not_in_the_registry'].map((name, k) => [stored.get(name)!.id, k]);
    for (const [strategyId, hour] of rows) {
      await db.pool.query(
        `INSERT INTO strategy_probe_results (run_id, symbol, strategy_id, period_start, period_end, timeframe, risk_profile, open_day, open_hour,
           long_short, num_trades, pnl_mean, pnl_std, max_drawdown, max_profit)
         VALUES ('ids', 'SYNTH', $1, now(), now(), '1Day', 'low', '2024-01-02', $2, 'long', 1, 0.5, 0, 0, 0.5)`,
        [strategyId, hour],
      );
    }
    const service = new PgRunService(db.pool, {} as PgBoss, STRATEGIES, { warn: () => {} });
    const all = await service.results('ids', {}, 100, 0);
    expect(all.total).toBe(3);
    expect(all.results.map((r) => [r.strategy_id, r.strategy_name, r.open_hour])).toEqual([
      [first.id, first.name, 0],
      [third.id, third.name, 1],
      [0, 'not_in_the_registry', 2],
    ]);
    const one = await service.results('ids', { strategyId: third.id }, 100, 0);
    expect(one.total).toBe(1);
    expect(one.results.map((r) => [r.strategy_id, r.strategy_name])).toEqual([[third.id, third.name]]);
    expect((await service.results('ids', { strategyId: second.id }, 100, 0)).total).toBe(0);
    expect((await service.results('ids', { strategyId: 999 }, 100, 0)).total).toBe(0);
  });
});
