import type { RunInfo } from '../model.js';
/**
 * The JSON index.html carries in `<script type="application/json"
 * id="report-meta">`: everything the leaderboard needs, at once, and where
 * the binary chunks (trades, justifications, bars, indicator columns) sit in
 * the base64 text of `<script type="application/octet-stream"
 * id="report-data">`. Types only: the builder writes it, the page reads it.
 */

/**
 * A block of bytes: the gzip member that holds it (its place in the base64
 * text, in characters) and the block's place in that member, inflated.
 */
export type ChunkRef = readonly [start: number, length: number, offset: number, size: number];

export interface MetaStrategy {
  readonly id: number;
  readonly name: string;
  readonly displayName: string;
  readonly category: string;
  readonly direction: string;
  readonly philosophy: string;
  /** RegistryEntry.requiredColumns. */
  readonly columns: readonly string[];
  /** entry_long, entry_short, exit_long, exit_short and the exit parameters, as strategies.json states them. */
  readonly conditions: Readonly<Record<string, unknown>>;
  /** The compiler's reason when it can never trade, else null. */
  readonly neverTrades: string | null;
  /** All the compiler's findings, one sentence each. */
  readonly warnings: readonly string[];
}

export interface MetaSeries {
  readonly symbol: string;
  readonly timeframe: string;
  readonly bars: number;
  /** Absent when the series has no bars. */
  readonly chunk: ChunkRef | null;
  /** By column name: its chunk and the range it was quantised in. */
  readonly columns: Readonly<Record<string, { readonly chunk: ChunkRef; readonly min: number; readonly max: number }>>;
}

export interface MetaCombo {
  /** Index into ReportMeta.series. */
  readonly series: number;
  readonly trades: number;
  readonly tradesChunk: ChunkRef | null;
  readonly textChunk: ChunkRef | null;
}

export interface ReportMeta {
  readonly run: RunInfo & { readonly trades: number };
  /** summary.csv's column names, in its order. */
  readonly columns: readonly string[];
  /** One per combination, in ReportData.combos order: the summary row's values in `columns` order. */
  readonly rows: readonly (readonly (string | number | null)[])[];
  readonly combos: readonly MetaCombo[];
  readonly strategies: readonly MetaStrategy[];
  readonly series: readonly MetaSeries[];
  /** EXIT_REASONS, in code order. */
  readonly exitReasons: readonly string[];
  /** The whole run's trades by entry (UTC weekday 0 = Monday .. 6, hour): index weekday * 24 + hour. */
  readonly hourWeekday: { readonly sum: readonly number[]; readonly count: readonly number[] };
}

/** UTC weekday (0 = Monday) * 24 + hour of an epoch-ms time, without a Date per trade. */
export function hourWeekdayCell(ms: number): number {
  const hours = Math.floor(ms / 3_600_000);
  const days = Math.floor(hours / 24);
  // 1970-01-01 was a Thursday: Monday-based weekday 3
  const weekday = (((days + 3) % 7) + 7) % 7;
  const hour = ((hours % 24) + 24) % 24;
  return weekday * 24 + hour;
}
