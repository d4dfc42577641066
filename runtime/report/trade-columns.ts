import type { ReportTrades } from './model.js';

const encoder = new TextEncoder();

/**
 * ReportTrades built a trade at a time, in any order of combinations:
 * finish() groups them by combination (stably, so each combination's
 * trades keep the order they were added in, the engine's).
 */
export class TradeColumns {
  private count = 0;
  private combo = new Uint32Array(1024);
  private side = new Uint8Array(1024);
  private exitReason = new Uint8Array(1024);
  private entryTime = new Float64Array(1024);
  private exitTime = new Float64Array(1024);
  private entryPrice = new Float64Array(1024);
  private exitPrice = new Float64Array(1024);
  private pnl = new Float64Array(1024);
  private barsHeld = new Int32Array(1024);
  /** Entry and exit text of each trade, as UTF-8. */
  private texts: Uint8Array[] = [];

  add(trade: {
    combo: number; side: number; exitReason: number; entryTime: number; exitTime: number; entryPrice: number; exitPrice: number;
    pnl: number; barsHeld: number; entryText: Uint8Array | string; exitText: Uint8Array | string;
  }): void {
    if (this.count === this.combo.length) this.grow();
    const i = this.count++;
    this.combo[i] = trade.combo;
    this.side[i] = trade.side;
    this.exitReason[i] = trade.exitReason;
    this.entryTime[i] = trade.entryTime;
    this.exitTime[i] = trade.exitTime;
    this.entryPrice[i] = trade.entryPrice;
    this.exitPrice[i] = trade.exitPrice;
    this.pnl[i] = trade.pnl;
    this.barsHeld[i] = trade.barsHeld;
    this.texts.push(utf8(trade.entryText), utf8(trade.exitText));
  }

  finish(): ReportTrades {
    const n = this.count;
    // a stable counting sort by combination: the identity when trades came in combination order
    let maxCombo = 0;
    for (let i = 0; i < n; i++) if (this.combo[i]! > maxCombo) maxCombo = this.combo[i]!;
    const starts = new Uint32Array(maxCombo + 2);
    for (let i = 0; i < n; i++) starts[this.combo[i]! + 1]!++;
    for (let c = 0; c <= maxCombo; c++) starts[c + 1]! += starts[c]!;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[starts[this.combo[i]!]!++] = i;
    const pick = <T extends Uint32Array | Uint8Array | Float64Array | Int32Array>(column: T, make: (n: number) => T): T => {
      const out = make(n);
      for (let k = 0; k < n; k++) out[k] = column[order[k]!]!;
      return out;
    };
    let size = 0;
    for (const t of this.texts) size += t.length;
    const text = new Uint8Array(size);
    const textOffsets = new Uint32Array(2 * n + 1);
    let at = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      for (let part = 0; part < 2; part++) {
        textOffsets[2 * k + part] = at;
        const bytes = this.texts[2 * i + part]!;
        text.set(bytes, at);
        at += bytes.length;
      }
    }
    textOffsets[2 * n] = at;
    return {
      count: n,
      combo: pick(this.combo, (m) => new Uint32Array(m)),
      side: pick(this.side, (m) => new Uint8Array(m)),
      exitReason: pick(this.exitReason, (m) => new Uint8Array(m)),
      entryTime: pick(this.entryTime, (m) => new Float64Array(m)),
      exitTime: pick(this.exitTime, (m) => new Float64Array(m)),
      entryPrice: pick(this.entryPrice, (m) => new Float64Array(m)),
      exitPrice: pick(this.exitPrice, (m) => new Float64Array(m)),
      pnl: pick(this.pnl, (m) => new Float64Array(m)),
      barsHeld: pick(this.barsHeld, (m) => new Int32Array(m)),
      text,
      textOffsets,
    };
  }

  private grow(): void {
    const size = this.combo.length * 2;
    const grown = <T extends Uint32Array | Uint8Array | Float64Array | Int32Array>(column: T, make: (n: number) => T): T => {
      const out = make(size);
      out.set(column);
      return out;
    };
    this.combo = grown(this.combo, (m) => new Uint32Array(m));
    this.side = grown(this.side, (m) => new Uint8Array(m));
    this.exitReason = grown(this.exitReason, (m) => new Uint8Array(m));
    this.entryTime = grown(this.entryTime, (m) => new Float64Array(m));
    this.exitTime = grown(this.exitTime, (m) => new Float64Array(m));
    this.entryPrice = grown(this.entryPrice, (m) => new Float64Array(m));
    this.exitPrice = grown(this.exitPrice, (m) => new Float64Array(m));
    this.pnl = grown(this.pnl, (m) => new Float64Array(m));
    this.barsHeld = grown(this.barsHeld, (m) => new Int32Array(m));
  }
}

function utf8(text: Uint8Array | string): Uint8Array {
  return typeof text === 'string' ? encoder.encode(text) : text;
}
