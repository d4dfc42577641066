import type { Bars, ComboTrades } from '../html/codec.js';
import { decodeBars, decodeTexts, decodeTrades, dequantiseColumn } from '../html/codec.js';
import type { ChunkRef, ReportMeta } from '../html/meta.js';

/** base64 to bytes: the native decoder where the browser has one. */
function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native !== undefined) return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The page's binary data, inflated on first use and kept: a chunk is a
 * slice of the base64 text in #report-data (read once, after the parser
 * has reached it).
 */
export class Store {
  private text: string | null = null;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly meta: ReportMeta) {}

  private async chunk(ref: ChunkRef): Promise<Uint8Array> {
    const group = await this.memo(`g${ref[0]}`, () => {
      this.text ??= document.getElementById('report-data')?.textContent ?? '';
      return gunzip(fromBase64(this.text.substring(ref[0], ref[0] + ref[1])));
    });
    return group.subarray(ref[2], ref[2] + ref[3]);
  }

  private memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let found = this.cache.get(key) as Promise<T> | undefined;
    if (found === undefined) {
      found = make();
      this.cache.set(key, found);
    }
    return found;
  }

  bars(series: number): Promise<Bars | null> {
    const ref = this.meta.series[series]?.chunk ?? null;
    return this.memo(`b${series}`, async () => (ref === null ? null : decodeBars(await this.chunk(ref))));
  }

  column(series: number, name: string): Promise<Float32Array | null> {
    const column = this.meta.series[series]?.columns[name];
    return this.memo(`c${series} ${name}`, async () => (column === undefined ? null : dequantiseColumn(await this.chunk(column.chunk), column.min, column.max)));
  }

  trades(combo: number): Promise<ComboTrades | null> {
    const c = this.meta.combos[combo]!;
    return this.memo(`t${combo}`, async () => {
      if (c.tradesChunk === null) return null;
      const [bytes, bars] = await Promise.all([this.chunk(c.tradesChunk), this.bars(c.series)]);
      return decodeTrades(bytes, bars ?? { time: [], open: [], close: [] });
    });
  }

  /** Entry and exit justification of each trade, in turn. */
  texts(combo: number): Promise<string[]> {
    const ref = this.meta.combos[combo]!.textChunk;
    return this.memo(`j${combo}`, async () => (ref === null ? [] : decodeTexts(await this.chunk(ref))));
  }
}
