import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { registryEntry } from '../../registry/registry.js';
import { diagnosticsOf } from '../../registry/diagnostics.js';
import { EXIT_REASONS } from '../../engine/trade.js';
import type { ReportData, SummaryRow } from '../model.js';
import { neverTradesReason, orderedTrades, tradesByCombo } from '../summary.js';
import { SUMMARY_COLUMNS, summaryRecord } from '../summary-csv.js';
import type { WorkerPool } from '../../run/pool.js';
import { encodeBars, encodeTexts, encodeTrades, quantiseColumn } from './codec.js';
import { textHoldsNumberByte } from './number-byte.js';
import type { ChunkRef, MetaCombo, MetaSeries, MetaStrategy, ReportMeta } from './meta.js';
import { hourWeekdayCell } from './meta.js';

const gzip = promisify(gzipCallback);

/**
 * Level 1: the justification text is most of the bytes, and its strings
 * repeat so much that the fastest level already packs it about 5 to 1;
 * higher levels gain 15% for four times the time.
 */
const GZIP = { level: 1, chunkSize: 256 * 1024 } as const;

/** The page's data: the JSON meta and the base64 text its chunk references point into. */
export interface Payload {
  readonly meta: ReportMeta;
  readonly base64: readonly Buffer[];
}

/** Raw bytes per gzip member: large enough that starting a compressor is rare, small enough to inflate in milliseconds. */
const GROUP_BYTES = 1 << 20;

/**
 * Collects the binary blocks into gzipped groups of about GROUP_BYTES
 * (starting a compressor costs about as much as compressing a block, and
 * a report has thousands of blocks). Each group is compressed on libuv's
 * thread pool as soon as it is full, so the cores share the work while
 * the next blocks are encoded; the groups are base64'd in order at the
 * end, which fixes their places in the text.
 */
class Chunks {
  private readonly pending: Promise<Buffer>[] = [];
  /** Per group, the references into it, to fill in with its place in the text. */
  private readonly groups: [number, number, number, number][][] = [[]];
  private parts: Uint8Array[] = [];
  private size = 0;

  add(bytes: Uint8Array): ChunkRef {
    const ref: [number, number, number, number] = [0, 0, this.size, bytes.length];
    this.groups.at(-1)!.push(ref);
    this.parts.push(bytes);
    this.size += bytes.length;
    if (this.size >= GROUP_BYTES) this.close();
    return ref;
  }

  private close(): void {
    if (this.parts.length === 0) return;
    this.pending.push(gzip(Buffer.concat(this.parts), GZIP));
    this.parts = [];
    this.size = 0;
    this.groups.push([]);
  }

  async finish(): Promise<Buffer[]> {
    this.close();
    const zipped = await Promise.all(this.pending);
    let at = 0;
    return zipped.map((z, k) => {
      const text = Buffer.from(z.toString('base64'), 'latin1');
      for (const ref of this.groups[k]!) {
        ref[0] = at;
        ref[1] = text.length;
      }
      at += text.length;
      return text;
    });
  }
}

const pick = <T extends Float64Array | Int32Array | Uint8Array>(column: T, indices: Uint32Array, make: new (n: number) => T): T => {
  const out = new make(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = column[indices[k]!]!;
  return out;
};

/**
 * Every combination's justification strings, encoded (encodeTexts) on the
 * pool when there is one, else here: the start and end of each string,
 * entry and exit of each trade in turn, grouped by combination.
 */
function comboTexts(data: ReportData, members: readonly Uint32Array[], pool: WorkerPool | undefined): Promise<Uint8Array[]> {
  const { text, textOffsets } = data.trades;
  const starts = new Uint32Array(2 * data.trades.count);
  const ends = new Uint32Array(2 * data.trades.count);
  const groups = new Uint32Array(members.length);
  let at = 0;
  members.forEach((indices, c) => {
    groups[c] = 2 * indices.length;
    for (const i of indices) {
      starts[at] = textOffsets[2 * i]!;
      ends[at++] = textOffsets[2 * i + 1]!;
      starts[at] = textOffsets[2 * i + 1]!;
      ends[at++] = textOffsets[2 * i + 2]!;
    }
  });
  if (pool !== undefined) return pool.texts(text, starts, ends, groups);
  const holdsNumberByte = textHoldsNumberByte(text);
  let from = 0;
  return Promise.resolve(
    Array.from(groups, (n) => {
      const encoded = encodeTexts(text, starts.subarray(from, from + n), ends.subarray(from, from + n), holdsNumberByte);
      from += n;
      return encoded;
    }),
  );
}

function strategyMeta(id: number): MetaStrategy {
  const entry = registryEntry(id);
  if (entry === undefined) {
    return { id, name: `strategy ${id}`, displayName: `strategy ${id}`, category: '', direction: '', philosophy: '', columns: [], conditions: {}, neverTrades: null, warnings: [] };
  }
  const s = entry.strategy;
  const findings = diagnosticsOf(s);
  return {
    id,
    name: s.name,
    displayName: s.display_name,
    category: s.category,
    direction: s.direction,
    philosophy: s.philosophy,
    columns: entry.requiredColumns,
    conditions: {
      entry_long: s.entry_long,
      entry_short: s.entry_short,
      exit_long: s.exit_long,
      exit_short: s.exit_short,
      atr_stop_mult: s.atr_stop_mult,
      atr_target_mult: s.atr_target_mult,
      trailing_atr_mult: s.trailing_atr_mult,
      time_stop_bars: s.time_stop_bars,
    },
    neverTrades: neverTradesReason(s),
    warnings: findings.warnings,
  };
}

/** The report's data as index.html embeds it. */
export async function buildPayload(data: ReportData, summary: readonly SummaryRow[], pool?: WorkerPool): Promise<Payload> {
  if (summary.length !== data.combos.length) throw new Error(`buildReportHtml: ${summary.length} summary rows for ${data.combos.length} combinations`);
  const chunks = new Chunks();
  // first: the texts are encoded on the pool while this thread encodes everything else
  const members = tradesByCombo(data);
  const texts = comboTexts(data, members, pool);
  const { trades } = data;

  const seriesIndex = new Map(data.series.map((s, k) => [`${s.symbol}\u0000${s.timeframe}`, k]));
  const series: MetaSeries[] = data.series.map((s) => {
    const columns: Record<string, { chunk: ChunkRef; min: number; max: number }> = {};
    for (const [name, values] of s.indicators) {
      if (values.length !== s.time.length) continue;
      const q = quantiseColumn(values);
      columns[name] = { chunk: chunks.add(q.bytes), min: q.min, max: q.max };
    }
    return { symbol: s.symbol, timeframe: s.timeframe, bars: s.time.length, chunk: s.time.length > 0 ? chunks.add(encodeBars(s)) : null, columns };
  });

  const orders = orderedTrades(data, members);
  const localOf = new Int32Array(trades.count);
  for (const indices of members) indices.forEach((i, k) => (localOf[i] = k));
  const noBars = { time: new Float64Array(0), open: new Float64Array(0), close: new Float64Array(0) };
  const encodedCombos = data.combos.map((c, k): Omit<MetaCombo, 'textChunk'> => {
    const si = seriesIndex.get(`${c.symbol}\u0000${c.timeframe}`) ?? -1;
    const indices = members[k]!;
    if (indices.length === 0) return { series: si, trades: 0, tradesChunk: null };
    const exitOrder = Int32Array.from(orders[k]!, (i) => localOf[i]!);
    const encoded = encodeTrades(
      {
        count: indices.length,
        pnl: pick(trades.pnl, indices, Float64Array),
        entryPrice: pick(trades.entryPrice, indices, Float64Array),
        exitPrice: pick(trades.exitPrice, indices, Float64Array),
        entryTime: pick(trades.entryTime, indices, Float64Array),
        exitTime: pick(trades.exitTime, indices, Float64Array),
        barsHeld: pick(trades.barsHeld, indices, Int32Array),
        exitOrder,
        side: pick(trades.side, indices, Uint8Array),
        exitReason: pick(trades.exitReason, indices, Uint8Array),
      },
      si >= 0 ? data.series[si]! : noBars,
    );
    return { series: si, trades: indices.length, tradesChunk: chunks.add(encoded) };
  });
  const encodedTexts = await texts;
  const combos: MetaCombo[] = encodedCombos.map((c, k) => ({ ...c, textChunk: c.trades > 0 ? chunks.add(encodedTexts[k]!) : null }));

  const sum = new Array<number>(7 * 24).fill(0);
  const count = new Array<number>(7 * 24).fill(0);
  for (let i = 0; i < trades.count; i++) {
    const cell = hourWeekdayCell(trades.entryTime[i]!);
    sum[cell]! += trades.pnl[i]!;
    count[cell]!++;
  }

  const run = data.run;
  const meta: ReportMeta = {
    run: { ...run, trades: trades.count },
    columns: SUMMARY_COLUMNS,
    rows: summary.map((row) => {
      const record = summaryRecord(row);
      return SUMMARY_COLUMNS.map((name) => record[name]);
    }),
    combos,
    strategies: run.strategies.map(strategyMeta),
    series,
    exitReasons: EXIT_REASONS,
    hourWeekday: { sum, count },
  };
  return { meta, base64: await chunks.finish() };
}
