import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayRows } from '../../runtime/db/bars.js';
import { type CopyValue, copyBuffers, copyField, copyRows } from '../../runtime/db/copy.js';
import { ByteSink } from '../../runtime/output/byte-sink.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
  await db.pool.query('CREATE TABLE copied (k INTEGER, label TEXT, x DOUBLE PRECISION)');
  await db.pool.query('CREATE TABLE copied_float8 (k INTEGER, x DOUBLE PRECISION)');
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

describe('copyBuffers', () => {
  it('stores ByteSink.float8 text of awkward doubles bit for bit', async () => {
    const doubles = [0.1 + 0.2, -0, 0, 5e-324, 2.2250738585072014e-308, 1e-7, -1.5e-300, 1e16, 1e21, 1.7976931348623157e308, 123456789.12345679, NaN, Infinity, -Infinity];
    const sink = new ByteSink();
    doubles.forEach((x, k) => {
      sink.jsNumber(k);
      sink.byte(9);
      sink.float8(x);
      sink.byte(10);
    });
    const client = await db.pool.connect();
    try {
      expect(await copyBuffers(client, 'copied_float8', ['k', 'x'], [sink.take()])).toBe(doubles.length);
    } finally {
      client.release();
    }
    const back = (await arrayRows(db.pool, 'SELECT x FROM copied_float8 ORDER BY k', [])).map((r) => r[0]);
    expect(back).toHaveLength(doubles.length);
    back.forEach((x, k) => expect(Object.is(x, doubles[k]), `${doubles[k]} came back as ${String(x)}`).toBe(true));
    // the stored bits themselves, and the sign of zero as PostgreSQL prints it
    const stored = await db.pool.query<{ text: string; bits: string }>(
      `SELECT x::text AS text, encode(float8send(x), 'hex') AS bits FROM copied_float8 ORDER BY k`,
    );
    stored.rows.forEach(({ text, bits }, k) => {
      const x = doubles[k]!;
      if (Number.isNaN(x)) {
        expect(text).toBe('NaN');
      } else {
        const expected = Buffer.alloc(8);
        expected.writeDoubleBE(x);
        expect(bits, `bits of ${x}`).toBe(expected.toString('hex'));
      }
    });
    expect(stored.rows[1]!.text).toBe('-0');
  });
});
