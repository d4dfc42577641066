import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_NULL, copyEscaped } from '../output/copy-text.js';

export type CopyValue = string | number | null;

/**
 * One field in COPY's text format: `\N` is NULL, and backslash, tab, newline
 * and carriage return are backslash-escaped (anything else is taken literally).
 */
export function copyField(value: CopyValue): string {
  if (value === null) return COPY_NULL;
  if (typeof value === 'number') {
    // String(x) is the shortest text that parses back to x, and PostgreSQL's
    // float8 input parses it exactly; only the sign of zero needs help
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return copyEscaped(value);
}

/** Rows grouped into chunks of about this many characters: one write per row would dominate the cost. */
const CHUNK = 1 << 16;

function* lines(rows: Iterable<readonly CopyValue[]>, width: number): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    if (row.length !== width) throw new Error(`COPY row has ${row.length} values for ${width} columns`);
    let line = '';
    for (let k = 0; k < row.length; k++) line += (k === 0 ? '' : '\t') + copyField(row[k]!);
    chunk += `${line}\n`;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * Streams `rows` into `table` with COPY ... FROM STDIN (text format) on the
 * given client, which the caller owns (typically inside its transaction).
 * Rows are produced lazily, so a large result never sits in memory as text.
 * Returns the number of rows copied.
 */
export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<number> {
  const names = columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const stream = client.query(copyFrom(`COPY ${pg.escapeIdentifier(table)} (${names}) FROM STDIN`));
  await pipeline(Readable.from(lines(rows, columns.length)), stream);
  return stream.rowCount;
}

/**
 * COPY ... FROM STDIN of text that is ready (COPY text format, whole rows),
 * buffer by buffer as given: nothing is formatted here. Returns the number
 * of rows copied.
 */
export async function copyBuffers(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  buffers: readonly Uint8Array[],
): Promise<number> {
  const names = columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const stream = client.query(copyFrom(`COPY ${pg.escapeIdentifier(table)} (${names}) FROM STDIN`));
  await pipeline(Readable.from(buffers.filter((b) => b.length > 0).map((b) => Buffer.from(b.buffer, b.byteOffset, b.length))), stream);
  return stream.rowCount;
}
