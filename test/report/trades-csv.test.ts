import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EXIT_REASONS, LONG, SHORT } from '../../runtime/engine/trade.js';
import { InputError } from '../../runtime/errors.js';
import { parseCsvLine } from '../../runtime/input/csv.js';
import type { ReportTrades } from '../../runtime/report/model.js';
import { parseTradesCsv } from '../../runtime/report/trades-csv.js';
import { FIXTURE_DIR } from '../support/fixtures.js';

const decoder = new TextDecoder();
const texts = (t: ReportTrades, i: number): [string, string] => [
  decoder.decode(t.text.subarray(t.textOffsets[2 * i]!, t.textOffsets[2 * i + 1]!)),
  decoder.decode(t.text.subarray(t.textOffsets[2 * i + 1]!, t.textOffsets[2 * i + 2]!)),
];
const keys: string[] = [];
const lookup = (symbol: string, timeframe: string, id: number, name: string, profile: string): number => {
  const key = `${symbol} ${timeframe} ${id} ${name} ${profile}`;
  if (!keys.includes(key)) keys.push(key);
  return keys.indexOf(key);
};

describe('parseTradesCsv', () => {
  it('reads every trade of the reference trades.csv as its fields say, texts included', () => {
    const csv = gunzipSync(readFileSync(join(FIXTURE_DIR, 'trades.csv.gz')));
    const lines = csv.toString('utf8').split('\r\n').slice(1).filter((l) => l !== '').map(parseCsvLine);
    const t = parseTradesCsv(Buffer.from(csv), 'trades.csv', lookup);
    expect(t.count).toBe(lines.length);
    lines.forEach((f, i) => {
      const at = `trade ${i + 1}`;
      expect(keys[t.combo[i]!], at).toBe(f.slice(0, 5).join(' '));
      expect(t.side[i], at).toBe(f[5] === 'long' ? LONG : SHORT);
      expect(t.entryTime[i], at).toBe(Date.parse(f[6]!));
      expect(t.exitTime[i], at).toBe(Date.parse(f[7]!));
      expect([t.entryPrice[i], t.exitPrice[i], t.pnl[i], t.barsHeld[i]], at).toEqual([Number(f[8]), Number(f[9]), Number(f[10]), Number(f[11])]);
      expect(EXIT_REASONS[t.exitReason[i]!], at).toBe(f[15]);
      expect(texts(t, i), at).toEqual([f[16], f[17]]);
    });
  });

  it('unescapes quotes in the texts (a display name with a \'"\')', () => {
    const header = 'symbol,timeframe,strategy_id,strategy_name,risk_profile,direction,entry_time,exit_time,entry_price,exit_price,pnl_pct,bars_held,max_drawdown_pct,max_profit_pct,pnl_std,exit_reason,entry_justification,exit_justification';
    const row = (entry: string): string =>
      `X,1Day,1,a,low,short,2024-02-29T00:00:00Z,2024-03-01T00:00:00Z,1.5,1.25,0.16666666666666666,1,0.0,0.1,0.0,target,"${entry}","Exit reason: target; exit_price=1.2500, pnl=+16.67%"`;
    // texts read in place before the first escaped quote, copied from it on
    const csv = Buffer.from(`${header}\r\n${row('before, text')}\r\n${row('Strategy \'The ""Best"" One\' short entry at 1.5000')}\r\n${row('after, text')}\r\n`);
    const t = parseTradesCsv(csv, 'f.csv', () => 0);
    expect(t.count).toBe(3);
    expect(texts(t, 0)[0]).toBe('before, text');
    expect(texts(t, 1)).toEqual(['Strategy \'The "Best" One\' short entry at 1.5000', 'Exit reason: target; exit_price=1.2500, pnl=+16.67%']);
    expect(texts(t, 2)[0]).toBe('after, text');
    expect(t.entryTime[0]).toBe(Date.UTC(2024, 1, 29));
  });

  it('names the file, the line and the field of a bad value', () => {
    const csv = gunzipSync(readFileSync(join(FIXTURE_DIR, 'trades.csv.gz'))).toString('utf8').split('\r\n').slice(0, 4);
    const fields = parseCsvLine(csv[2]!);
    const broken = (k: number, value: string): Buffer => {
      const f = [...fields];
      f[k] = value;
      return Buffer.from([csv[0], csv[1], f.map((v) => (v.includes(',') ? `"${v}"` : v)).join(','), csv[3]].join('\r\n'));
    };
    const problem = (bytes: Buffer): string => {
      try {
        parseTradesCsv(bytes, 'out/trades.csv', () => 0);
      } catch (error) {
        if (error instanceof InputError) return error.problems.join('\n');
        throw error;
      }
      return 'no error';
    };
    expect(problem(broken(10, 'abc'))).toBe('out/trades.csv: line 3: pnl_pct: "abc" is not a number');
    expect(problem(broken(6, '2023-02-30T10:00:00Z'))).toBe('out/trades.csv: line 3: entry_time: "2023-02-30T10:00:00Z" is not an ISO-8601 time');
    expect(problem(broken(15, 'stop'))).toMatch(/^out\/trades\.csv: line 3: exit_reason: "stop" is not one of signal_exit, stop_loss/);
    expect(problem(broken(5, 'flat'))).toBe('out/trades.csv: line 3: direction: "flat" is neither long nor short');
    expect(problem(Buffer.from(`a,b\r\n${csv[1]}`))).toMatch(/^out\/trades\.csv: line 1: expected the header symbol,timeframe,/);
    expect(problem(Buffer.from([csv[0], csv[1]!.slice(0, 60)].join('\r\n')))).toMatch(/^out\/trades\.csv: line 2: \d+ fields, expected 18/);
    expect(problem(Buffer.from([csv[0], csv[1]!.replace(/"Exit reason.*$/, '"Exit reason')].join('\r\n')))).toBe('out/trades.csv: line 2: field exit_justification: unterminated quote');
  });
});
