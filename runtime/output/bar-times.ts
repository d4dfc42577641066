import { isoDay, isoDayInto, isoSeconds, isoSecondsInto } from '../format/time.js';
import type { ByteSink } from './byte-sink.js';

/** Bytes per timestamp: `2024-01-02T14:30:00Z`; five words. */
const ISO_BYTES = 20;
const STAMP_WORDS = 5;
/** Bytes of a day, `2024-01-02`, in three words. */
const DAY_BYTES = 10;
const DAY_WORDS = 3;
/** Scratch for one timestamp or day on its way into a cache. */
const SCRATCH = new Uint8Array(ISO_BYTES);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

/**
 * The timestamps of one series' bars and the days of its rows as text,
 * each bar's written once (the first time a trade needs it, so the cache is
 * bounded by the bars) and copied as words after that.
 */
export class BarTimes {
  private readonly stamps: Uint32Array;
  private readonly stamped: Uint8Array;
  private lastDay = Number.NaN;
  private readonly dayWords = new Uint32Array(DAY_WORDS);

  /**
   * `milliseconds`: whether a bar off a whole second is written with its
   * milliseconds (as Date#toISOString, for PostgreSQL) instead of without
   * them (as the reference's CSV).
   */
  constructor(
    private readonly time: Float64Array,
    private readonly milliseconds: boolean,
  ) {
    this.stamps = new Uint32Array(time.length * STAMP_WORDS);
    this.stamped = new Uint8Array(time.length);
  }

  /** The ISO timestamp of bar `index`. */
  stamp(index: number, sink: ByteSink): void {
    const at = index * STAMP_WORDS;
    if (this.stamped[index] !== 1) {
      const time = this.time[index]!;
      if (this.milliseconds && time % 1000 !== 0) {
        sink.ascii(new Date(time).toISOString());
        return;
      }
      if (!isoSecondsInto(time, SCRATCH, 0)) {
        sink.ascii(isoSeconds(time));
        return;
      }
      for (let k = 0; k < STAMP_WORDS; k++) this.stamps[at + k] = SCRATCH_VIEW.getUint32(4 * k, true);
      this.stamped[index] = 1;
    }
    sink.words(this.stamps, at, ISO_BYTES);
  }

  /** `YYYY-MM-DD` of a day number; rows come in time order, so the last day is kept as words. */
  day(day: number, sink: ByteSink): void {
    if (day !== this.lastDay) {
      if (!isoDayInto(day, SCRATCH, 0)) {
        sink.ascii(isoDay(day));
        return;
      }
      for (let k = 0; k < DAY_WORDS; k++) this.dayWords[k] = SCRATCH_VIEW.getUint32(4 * k, true);
      this.lastDay = day;
    }
    sink.words(this.dayWords, 0, DAY_BYTES);
  }
}
