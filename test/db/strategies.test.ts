import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSchema } from '../../runtime/db/schema.js';
import { seedStrategies, strategyIds } from '../../runtime/db/strategies.js';
import { ROOT, probe } from '../support/cli.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { loadRegistry } from '../support/registry.js';

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

/**
 * probe_strategies as an earlier registry left it: the philosophy of the
 * first strategy and the version of the second differ from strategies.json.
 */
async function seededFromAnEarlierRegistry(registry: readonly { name: string }[]): Promise<void> {
  await db.pool.query(`UPDATE probe_strategies SET philosophy = 'An earlier philosophy.' WHERE name = $1`, [registry[0]!.name]);
  await db.pool.query('UPDATE probe_strategies SET version = version + 1 WHERE name = $1', [registry[1]!.name]);
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
    // the registry compiled into generated/ (strategies.json) changed since the table was seeded
    const registry = loadRegistry(REGISTRY);
    await seededFromAnEarlierRegistry(registry);
    expect((await strategyIds(db.pool)).get(registry[1]!.name)!.version).toBe(registry[1]!.version + 1);
    const stampsBefore = await stamps();

    const run = await probe(['db', 'seed-strategies'], env());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('100 strategies: 0 inserted, 2 updated, 98 unchanged\n');

    const after = await strategyIds(db.pool);
    expect([...after].map(([name, { id }]) => [name, id]).sort()).toEqual([...before].map(([name, { id }]) => [name, id]).sort());
    expect(after.get(registry[1]!.name)!.version).toBe(registry[1]!.version);
    const philosophy = await db.pool.query('SELECT philosophy FROM probe_strategies WHERE name = $1', [registry[0]!.name]);
    expect(philosophy.rows).toEqual([{ philosophy: registry[0]!.philosophy }]);
    const stampsAfter = await stamps();
    const touched = [...stampsAfter].filter(([name, at]) => stampsBefore.get(name) !== at).map(([name]) => name);
    expect(touched.sort()).toEqual([registry[0]!.name, registry[1]!.name].sort());
  });

  it('upserts through the API too', async () => {
    const registry = loadRegistry(REGISTRY);
    await seededFromAnEarlierRegistry(registry);
    expect(await seedStrategies(db.pool, registry.slice(0, 3))).toEqual({ inserted: 0, updated: 2, unchanged: 1 });
    expect(await seedStrategies(db.pool, [{ ...registry[0]!, name: 'a_new_strategy' }])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect((await strategyIds(db.pool)).size).toBe(101);
  });

  // that an invalid registry is refused, listing every error, is the compiler's (test/compiler/registry-bundle.test.ts)
  it('refuses --registry, pointing at the compiler, and writes nothing', async () => {
    const edited = editedRegistry((strategies) => {
      strategies[0]!.philosophy = 'A new philosophy.';
    });
    const before = (await db.pool.query('SELECT * FROM probe_strategies ORDER BY id')).rows;
    for (const file of [edited, 'nowhere.json']) {
      const run = await probe(['db', 'seed-strategies', '--registry', file], env());
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'error: --registry: probe no longer reads a strategy registry: it uses the strategies compiled into generated/ by make generate; ' +
          `to use ${file}, compile it with npx tsx compiler/main.ts --registry ${file} (then node scripts/bundle.mjs for dist/)\n`,
      );
    }
    expect((await db.pool.query('SELECT * FROM probe_strategies ORDER BY id')).rows).toEqual(before);
  });

  it('seeds what generated/ holds, warning when the config names a registry file that differs from it', async () => {
    const edited = editedRegistry((strategies) => {
      strategies[0]!.philosophy = 'A new philosophy.';
    });
    const dir = mkdtempSync(join(tmpdir(), 'probe-registry-'));
    temporary.push(dir);
    writeFileSync(join(dir, 'config.yaml'), `strategies:\n  registry_file: ${edited}\n`);
    const run = await probe(['db', 'seed-strategies', '--config', join(dir, 'config.yaml')], env());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^warning: strategies\\.registry_file \\S+ is not the registry probe was built from \\([0-9a-f]{12}\\): `));
    expect(run.stdout).toBe('100 strategies: 0 inserted, 0 updated, 100 unchanged\n');
    const philosophy = await db.pool.query('SELECT philosophy FROM probe_strategies WHERE name = $1', [loadRegistry(REGISTRY)[0]!.name]);
    expect(philosophy.rows).toEqual([{ philosophy: loadRegistry(REGISTRY)[0]!.philosophy }]);
  });
});
