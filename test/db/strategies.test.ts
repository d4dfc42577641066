import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSchema } from '../../runtime/db/schema.js';
import { seedStrategies, strategyIds } from '../../runtime/db/strategies.js';
import { loadRegistry } from '../../runtime/registry/load.js';
import { ROOT, probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';

let db: TestDatabase;
const temporary: string[] = [];
const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url });
const REGISTRY = join(ROOT, 'strategies.json');

/** strategies.json with `edit` applied, in a temporary folder. */
function editedRegistry(edit: (strategies: Record<string, unknown>[]) => void): string {
  const strategies = JSON.parse(readFileSync(REGISTRY, 'utf8')) as Record<string, unknown>[];
  edit(strategies);
  const dir = mkdtempSync(join(tmpdir(), 'probe-registry-'));
  temporary.push(dir);
  const path = join(dir, 'strategies.json');
  writeFileSync(path, JSON.stringify(strategies, null, 2));
  return path;
}

beforeAll(async () => {
  db = await freshDatabase();
  await initSchema(db.pool);
});

afterAll(async () => {
  await db?.drop();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('probe db seed-strategies', () => {
  it('inserts the 100 strategies of strategies.json', async () => {
    const run = await probe(['db', 'seed-strategies'], env());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('100 strategies: 100 inserted, 0 updated, 0 unchanged\n');

    const registry = loadRegistry(REGISTRY);
    const { rows } = await db.pool.query<Record<string, unknown>>(
      'SELECT name, display_name, philosophy, strategy_type, direction, details, version, is_active FROM probe_strategies ORDER BY id',
    );
    expect(rows).toEqual(
      registry.map((s) => ({
        name: s.name,
        display_name: s.display_name,
        philosophy: s.philosophy,
        strategy_type: s.category,
        direction: s.direction,
        details: s.details,
        version: s.version,
        is_active: true,
      })),
    );
  });

  it('updates changed strategies by name on re-seeding, keeping every id', async () => {
    const before = await strategyIds(db.pool);
    expect(before.size).toBe(100);
    const stamps = async (): Promise<Map<string, string>> =>
      new Map((await db.pool.query<{ name: string; at: string }>('SELECT name, updated_at::text AS at FROM probe_strategies')).rows.map((r) => [r.name, r.at]));
    const stampsBefore = await stamps();

    const edited = editedRegistry((strategies) => {
      strategies[0]!.philosophy = 'A new philosophy.';
      strategies[1]!.version = 2;
    });
    const run = await probe(['db', 'seed-strategies', '--registry', edited], env());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('100 strategies: 0 inserted, 2 updated, 98 unchanged\n');

    const after = await strategyIds(db.pool);
    const registry = loadRegistry(edited);
    expect([...after].map(([name, { id }]) => [name, id]).sort()).toEqual([...before].map(([name, { id }]) => [name, id]).sort());
    expect(after.get(registry[1]!.name)!.version).toBe(2);
    const philosophy = await db.pool.query('SELECT philosophy FROM probe_strategies WHERE name = $1', [registry[0]!.name]);
    expect(philosophy.rows).toEqual([{ philosophy: 'A new philosophy.' }]);
    const stampsAfter = await stamps();
    const touched = [...stampsAfter].filter(([name, at]) => stampsBefore.get(name) !== at).map(([name]) => name);
    expect(touched.sort()).toEqual([registry[0]!.name, registry[1]!.name].sort());
  });

  it('upserts through the API too', async () => {
    const registry = loadRegistry(REGISTRY);
    expect(await seedStrategies(db.pool, registry.slice(0, 3))).toEqual({ inserted: 0, updated: 2, unchanged: 1 });
    expect(await seedStrategies(db.pool, [{ ...registry[0]!, name: 'a_new_strategy' }])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect((await strategyIds(db.pool)).size).toBe(101);
  });

  it('refuses an invalid registry, listing every error, and writes nothing', async () => {
    const edited = editedRegistry((strategies) => {
      strategies[4]!.category = 'astrology';
      strategies[7]!.philosophy = 'x'.repeat(501);
    });
    const before = (await db.pool.query('SELECT * FROM probe_strategies ORDER BY id')).rows;
    const run = await probe(['db', 'seed-strategies', '--registry', edited], env());
    expect(run.status).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: .*strategies\.json: strategy 5: category: .* \(value: "astrology"\)$/);
    expect(lines[1]).toMatch(/^error: .*strategies\.json: strategy 8: philosophy: /);
    expect((await db.pool.query('SELECT * FROM probe_strategies ORDER BY id')).rows).toEqual(before);

    const missing = await probe(['db', 'seed-strategies', '--registry', 'nowhere.json'], env());
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('error: nowhere.json: cannot read the strategy registry: no such file\n');
  });
});
