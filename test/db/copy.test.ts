import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayRows } from '../../runtime/db/bars.js';
import { type CopyValue, copyField, copyRows } from '../../runtime/db/copy.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  await db.pool.query('CREATE TABLE copied (k INTEGER, label TEXT, x DOUBLE PRECISION)');
});

afterAll(async () => {
  await db?.drop();
});

const TEXTS = ['plain', 'tab\there', 'new\nline', 'carriage\rreturn', 'back\\slash', '\\N', 'NULL', '', 'ünïcødé ✓', '"quoted",comma', null];
const FLOATS = [0.1 + 0.2, -0, 0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1e-7, 123456789.12345679, 1e21, Math.PI, NaN, Infinity, -Infinity, null];

async function copy(rows: Iterable<readonly CopyValue[]>): Promise<number> {
  const client = await db.pool.connect();
  try {
    return await copyRows(client, 'copied', ['k', 'label', 'x'], rows);
  } finally {
    client.release();
  }
}

describe('copyRows', () => {
  it('writes COPY text format', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField(-0)).toBe('-0');
    expect(copyField(0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('stores awkward text, NULL and every double exactly', async () => {
    const rows: CopyValue[][] = [...TEXTS.map((label, k) => [k, label, null]), ...FLOATS.map((x, k) => [100 + k, 'float', x])];
    expect(await copy(rows)).toBe(rows.length);
    const texts = await db.pool.query<{ label: string | null }>('SELECT label FROM copied WHERE k < 100 ORDER BY k');
    expect(texts.rows.map((r) => r.label)).toEqual(TEXTS);
    const floats = await arrayRows(db.pool, 'SELECT x FROM copied WHERE k >= 100 ORDER BY k', []);
    const back = floats.map((r) => r[0]);
    expect(back).toHaveLength(FLOATS.length);
    back.forEach((x, k) => expect(Object.is(x, FLOATS[k]), `${FLOATS[k]} came back as ${String(x)}`).toBe(true));
  });

  it('streams many rows and rejects a row of the wrong width without storing anything', async () => {
    const many = function* (): Generator<CopyValue[]> {
      for (let k = 0; k < 50_000; k++) yield [1000 + k, `row ${k}`, k / 7];
    };
    expect(await copy(many())).toBe(50_000);
    await db.pool.query('DELETE FROM copied WHERE k >= 1000');
    await expect(copy([[1, 'ok', 1], [2, 'short']])).rejects.toThrow('COPY row has 2 values for 3 columns');
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM copied WHERE label = 'ok'`)).rows[0]).toEqual({ n: 0 });
    // the client went back to the pool usable
    expect((await db.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
