import { describe, expect, it } from 'vitest';
import { InputError } from '../../runtime/errors.js';
import { parseBarsCsv } from '../../runtime/input/bars-csv.js';
import { parseDate } from '../../runtime/cli/options.js';

const HEADER = 'timestamp,open,high,low,close,volume';

/** The problems parseBarsCsv reports for `rows` (after the header), or [] when it accepts them. */
function problems(...rows: string[]): readonly string[] {
  try {
    parseBarsCsv([HEADER, ...rows].join('\n'), 'bars.csv');
    return [];
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
}

const bar = (stamp: string, volume = '100'): string => `${stamp},10,11,9,10.5,${volume}`;

describe('readBarsCsv: impossible times are refused, naming file, line and value', () => {
  it.each([
    ['2023-02-29T05:00:00Z', 'February 2023 has 28 days'],
    ['2023-04-31T05:00:00Z', 'April 2023 has 30 days'],
    ['2023-13-01T05:00:00Z', 'month 13 does not exist'],
    ['2023-01-00T05:00:00Z', 'day 00 does not exist'],
    ['2023-01-01T24:00:00Z', 'hour 24 does not exist (00-23)'],
    ['2023-01-01T10:00:00+24:00', 'offset +24:00 is out of range'],
  ])('%s', (stamp, reason) => {
    expect(problems(bar('2023-01-01T04:00:00Z'), bar(stamp))).toEqual([`bars.csv:3: timestamp "${stamp}" is not a valid time: ${reason}`]);
  });

  it('accepts a leap day, other zones and fractions of a second, read as before', () => {
    const bars = parseBarsCsv(
      [HEADER, bar('2024-02-29T05:00:00Z'), bar('2024-02-29 07:00+01:00'), bar('2024-02-29T07:00:00.1239+0000'), bar('2024-03-01T00:00:00-05:00')].join('\n'),
      'bars.csv',
    );
    expect([...bars.time]).toEqual([
      Date.UTC(2024, 1, 29, 5),
      Date.UTC(2024, 1, 29, 6),
      Date.UTC(2024, 1, 29, 7, 0, 0, 123),
      Date.UTC(2024, 2, 1, 5),
    ]);
  });

  it('still asks for a zone', () => {
    expect(problems(bar('2024-01-02T10:00:00'))).toEqual([
      'bars.csv:2: timestamp "2024-01-02T10:00:00" is not an ISO-8601 time with a zone (e.g. 2024-01-02T14:30:00Z)',
    ]);
  });
});

describe('readBarsCsv: volume', () => {
  it('calls a volume beyond what a whole number can hold out of range, not "not a whole number"', () => {
    expect(problems(bar('2024-01-02T10:00:00Z', '1e20'))).toEqual([
      'bars.csv:2: volume 1e20 is out of range (at most 9007199254740991)',
    ]);
  });

  it('accepts the largest exact whole number', () => {
    expect(problems(bar('2024-01-02T10:00:00Z', '9007199254740991'))).toEqual([]);
  });
});

describe('--start/--end (parseDate)', () => {
  it('reads a date as that UTC day, the end as its last millisecond', () => {
    expect(parseDate('--start', '2024-01-02', false)).toEqual({ query: Date.UTC(2024, 0, 2), stored: Date.UTC(2024, 0, 2) });
    expect(parseDate('--end', '2024-01-02', true)).toEqual({ query: Date.UTC(2024, 0, 3) - 1, stored: Date.UTC(2024, 0, 2) });
  });

  it('reads a time without a zone as UTC, one with a zone in it', () => {
    expect(parseDate('--start', '2024-01-02T10:00', false)?.query).toBe(Date.UTC(2024, 0, 2, 10));
    expect(parseDate('--start', '2024-01-02 10:00:30', false)?.query).toBe(Date.UTC(2024, 0, 2, 10, 0, 30));
    expect(parseDate('--end', '2024-01-02T10:00+02:00', true)?.query).toBe(Date.UTC(2024, 0, 2, 8));
  });

  it('refuses impossible and malformed dates, naming the flag and the value', () => {
    expect(() => parseDate('--start', '2023-02-29', false)).toThrow('--start: "2023-02-29" is not a valid date: February 2023 has 28 days');
    expect(() => parseDate('--end', '2024-01-02T25:00', true)).toThrow('--end: "2024-01-02T25:00" is not a valid date: hour 25 does not exist');
    expect(() => parseDate('--end', 'yesterday', true)).toThrow('--end: "yesterday" is not a date like 2025-01-31 or a time like 2025-01-31T14:30');
  });
});
