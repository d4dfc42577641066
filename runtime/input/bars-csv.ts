import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { type Bars, allocateBars } from '../series/bars.js';
import { isoSeconds } from '../format/time.js';
import { parseIsoSecondsZ, parseIsoTime } from './iso-time.js';

export const BARS_HEADER = 'timestamp,open,high,low,close,volume';

/** `bars` as the CSV text readBarsCsv reads: the header, then one line per bar, UTC times to the second. */
export function formatBarsCsv(bars: Bars): string {
  const lines = [BARS_HEADER];
  for (let i = 0; i < bars.length; i++) {
    lines.push(`${isoSeconds(bars.time[i]!)},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

const MAX_PROBLEMS = 20;
/** The largest volume held exactly: ohlcv_bars.volume is BIGINT, and a double above this is no longer a whole number of shares. */
const MAX_VOLUME = Number.MAX_SAFE_INTEGER;

/**
 * Reads `timestamp,open,high,low,close,volume` bars and checks them as the
 * shared database's ohlcv_bars constraints do: real calendar times with a
 * zone, positive prices, high >= low, open and close inside the bar's range,
 * a volume from zero to MAX_VOLUME, and strictly increasing timestamps.
 */
export function readBarsCsv(path: string): Bars {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([`${path}: cannot read bars file${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`]);
  }
  return parseBarsCsv(text, path);
}

const VALUE_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;

export function parseBarsCsv(text: string, file: string): Bars {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const problems: string[] = [];
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== BARS_HEADER) {
    throw new InputError([`${file}:1: expected the header "${BARS_HEADER}", found ${JSON.stringify(header)}`]);
  }
  if (lines.length < 2) throw new InputError([`${file}: no bars after the header`]);
  const bars = allocateBars(lines.length - 1);
  const report = (line: number, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(`${file}:${line}: ${message}`);
  };
  const values = new Float64Array(5);
  for (let k = 1; k < lines.length; k++) {
    const line = k + 1;
    const fields = lines[k]!.split(',');
    if (fields.length !== 6) {
      report(line, `expected 6 fields, found ${fields.length}: ${JSON.stringify(lines[k])}`);
      continue;
    }
    const i = k - 1;
    const stamp = fields[0]!.trim();
    let time = parseIsoSecondsZ(stamp);
    if (Number.isNaN(time)) {
      const parsed = parseIsoTime(stamp);
      if (parsed.kind === 'impossible') report(line, `timestamp ${JSON.stringify(stamp)} is not a valid time: ${parsed.why}`);
      else if (parsed.kind === 'malformed' || parsed.dateOnly || !parsed.zoned) {
        report(line, `timestamp ${JSON.stringify(stamp)} is not an ISO-8601 time with a zone (e.g. 2024-01-02T14:30:00Z)`);
      } else time = parsed.ms;
    }
    // one pass over the five numbers, without a record per line: this loop reads every bar of every file
    let numeric = true;
    for (let f = 0; f < 5; f++) {
      const raw = fields[f + 1]!;
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      values[f] = value;
      const name = VALUE_NAMES[f]!;
      if (!Number.isFinite(value)) {
        report(line, `${name} ${JSON.stringify(raw)} is not a number`);
        numeric = false;
      } else if (name === 'volume' ? value < 0 : value <= 0) {
        report(line, `${name} ${raw} must be ${name === 'volume' ? 'zero or more' : 'positive'}`);
        numeric = false;
      } else if (name === 'volume' && value > MAX_VOLUME) {
        report(line, `volume ${raw.trim()} is out of range (at most ${MAX_VOLUME})`);
        numeric = false;
      }
    }
    const open = values[0]!;
    const high = values[1]!;
    const low = values[2]!;
    const close = values[3]!;
    const volume = values[4]!;
    if (numeric) {
      if (high < low) report(line, `high ${high} is below low ${low}`);
      else if (open > high || open < low) report(line, `open ${open} lies outside the bar's range ${low}..${high}`);
      else if (close > high || close < low) report(line, `close ${close} lies outside the bar's range ${low}..${high}`);
    }
    if (i > 0 && !Number.isNaN(time) && !Number.isNaN(bars.time[i - 1]!)) {
      const previous = bars.time[i - 1]!;
      if (time === previous) report(line, `duplicate timestamp ${stamp}`);
      else if (time < previous) report(line, `timestamp ${stamp} is earlier than the line before it (bars must be sorted oldest first)`);
    }
    bars.time[i] = time;
    bars.open[i] = open;
    bars.high[i] = high;
    bars.low[i] = low;
    bars.close[i] = close;
    bars.volume[i] = volume;
  }
  if (problems.length > 0) throw new InputError(problems);
  return bars;
}
