import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REGISTRY_HASH } from '../../runtime/registry/registry.js';
import { ROOT, probe } from '../support/cli.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

const fixture = (name: string): string => gunzipSync(readFileSync(join(PARITY_DIR, name))).toString('utf8');
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'probe-cli-'));

/** A data folder holding the 1Hour parity bars, optionally rewritten. */
function dataWith1Hour(edit: (lines: string[]) => string[] = (l) => l): string {
  const dir = tempDir();
  const lines = readFileSync(join(PARITY_DIR, 'bars_1Hour.csv'), 'utf8').split('\n');
  writeFileSync(join(dir, 'bars_1Hour.csv'), edit(lines).join('\n'));
  return dir;
}

/**
 * The header and the lines of `timeframe`, strategies `ids` and `profiles` of
 * a CSV in the reference's layout (trades: id, name, profile; results: id, profile).
 */
function subset(text: string, timeframe: string, ids: readonly number[], profiles: readonly string[]): string[] {
  const id = `(${ids.join('|')})`;
  const profile = `(${profiles.join('|')})`;
  const trade = new RegExp(`^SYNTH,${timeframe},${id},[a-z_0-9]*,?${profile},`);
  const result = new RegExp(`^SYNTH,${timeframe},${id},${profile},`);
  return text.split('\r\n').filter((line, k) => k === 0 || trade.test(line) || result.test(line));
}

describe('probe backtest', () => {
  it('writes trades.csv and results.csv byte-identical to the reference fixtures', async () => {
    const out = join(tempDir(), 'out');
    const run = await probe(['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out]);
    expect(run.stderr.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['run_start', 'run_finish']);
    expect(run.status).toBe(0);
    const [chosen, summary] = run.stdout.split('\n');
    expect(chosen).toBe(`timeframes: 15Min, 1Hour, 1Day (from bars_*.csv in ${PARITY_DIR})`);
    expect(summary).toMatch(/^900 combinations: 50376 trades -> .*trades\.csv, 50108 result rows -> .*results\.csv/);
    expect(readFileSync(join(out, 'trades.csv'), 'utf8')).toBe(fixture('trades.csv.gz'));
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(fixture('results.csv.gz'));
  });

  it('runs a subset in the fixtures order, whatever the order of the flags', async () => {
    const out = join(tempDir(), 'out');
    const run = await probe([
      'backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out,
      '--timeframes', '1Day', '--strategies', '36,1', '--risk-profiles', 'high,low', '--workers', '1',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const keep = (text: string): string[] => subset(text, '1Day', [1, 36], ['low', 'high']);
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').split('\r\n');
    expect(trades.length).toBeGreaterThan(10);
    expect(trades).toEqual(keep(fixture('trades.csv.gz')).concat(''));
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\r\n')).toEqual(keep(fixture('results.csv.gz')).concat(''));
    // run.json: what `probe report --from` needs, every combination named and the bars found again
    const bars = readFileSync(join(PARITY_DIR, 'bars_1Day.csv'), 'utf8').trim().split('\n');
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toEqual({
      probe_version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
      registry_hash: REGISTRY_HASH,
      symbol: 'SYNTH',
      data: PARITY_DIR,
      timeframes: ['1Day'],
      strategies: [1, 36],
      risk_profiles: ['low', 'high'],
      indicators: 'port',
      bars: {
        '1Day': { file: join(PARITY_DIR, 'bars_1Day.csv'), count: bars.length - 1, first: bars[1]!.split(',')[0], last: bars.at(-1)!.split(',')[0] },
      },
    });
  });

  it('computes indicators with the talib package when asked (--indicators talib), same output', async () => {
    const out = join(tempDir(), 'out');
    const run = await probe([
      'backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out,
      '--indicators', 'talib', '--timeframes', '1Day', '--strategies', '1,2',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const keep = (text: string): string[] => subset(text, '1Day', [1, 2], ['low', 'medium', 'high']);
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').split('\r\n');
    expect(trades.length).toBeGreaterThan(10);
    expect(trades).toEqual(keep(fixture('trades.csv.gz')).concat(''));
    expect(readFileSync(join(out, 'results.csv'), 'utf8').split('\r\n')).toEqual(keep(fixture('results.csv.gz')).concat(''));
  });
});

describe('probe backtest without --timeframes', () => {
  it('runs the timeframes of the bars files in --data, naming them: only bars_1Hour.csv gives the 1Hour rows of a full run', async () => {
    const data = tempDir();
    copyFileSync(join(PARITY_DIR, 'bars_1Hour.csv'), join(data, 'bars_1Hour.csv'));
    const out = join(tempDir(), 'out');
    const run = await probe(['backtest', '--data', data, '--symbol', 'SYNTH', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`timeframes: 1Hour (from bars_*.csv in ${data})`);
    const hourly = (text: string): string[] => text.split('\r\n').filter((line, k) => k === 0 || line.startsWith('SYNTH,1Hour,'));
    const results = readFileSync(join(out, 'results.csv'), 'utf8').split('\r\n');
    expect(results.length).toBeGreaterThan(1000);
    expect(results).toEqual(hourly(fixture('results.csv.gz')).concat(''));
    expect(readFileSync(join(out, 'trades.csv'), 'utf8').split('\r\n')).toEqual(hourly(fixture('trades.csv.gz')).concat(''));
  });

  it('takes 15Min, 1Hour, 1Day first, then the other timeframes from the shortest, ignoring files not named after one', async () => {
    const data = tempDir();
    copyFileSync(join(PARITY_DIR, 'bars_1Day.csv'), join(data, 'bars_1Day.csv'));
    copyFileSync(join(PARITY_DIR, 'bars_15Min.csv'), join(data, 'bars_15Min.csv'));
    for (const name of ['bars_1Week.csv', 'bars_4Hour.csv', 'bars_notes.csv']) copyFileSync(join(PARITY_DIR, 'bars_1Hour.csv'), join(data, name));
    const out = join(tempDir(), 'out');
    const run = await probe(['backtest', '--data', data, '--symbol', 'SYNTH', '--out', out, '--strategies', '1', '--risk-profiles', 'low']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`timeframes: 15Min, 1Day, 4Hour, 1Week (from bars_*.csv in ${data})`);
    const timeframes = readFileSync(join(out, 'results.csv'), 'utf8').split('\r\n').slice(1, -1).map((line) => line.split(',')[1]);
    expect([...new Set(timeframes)]).toEqual(['15Min', '1Day', '4Hour', '1Week']);
  });

  it('refuses a folder without bars files, saying what names it expects', async () => {
    const data = tempDir();
    writeFileSync(join(data, 'bars_hourly.csv'), 'timestamp,open,high,low,close,volume\n');
    const out = join(tempDir(), 'out');
    const run = await probe(['backtest', '--data', data, '--symbol', 'SYNTH', '--out', out]);
    expect(run.stderr).toBe(
      `error: --data: ${data} holds no bars file: expected files named bars_<TF>.csv such as bars_15Min.csv, bars_1Hour.csv or bars_1Day.csv ` +
        '(bars_hourly.csv: not named after a timeframe)\n',
    );
    expect(run.status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('probe backtest --workers 0', () => {
  it('runs one worker per core, also over a config that sets engine.max_workers', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'engine:\n  max_workers: 1\n');
    const run = await probe([
      'backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', join(dir, 'out'), '--config', config,
      '--timeframes', '1Day', '--strategies', '1', '--workers', '0',
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(availableParallelism()).toBeGreaterThan(1);
    expect(run.stdout).toMatch(new RegExp(`, ${availableParallelism()} workers\\)\\n$`));
  });

  it('refuses a negative count, naming the flag and value', async () => {
    const run = await probe(['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', join(tempDir(), 'out'), '--workers', '-1']);
    expect(run.stderr).toBe('error: --workers: expected 0 (one per core) or a positive integer, got -1\n');
    expect(run.status).toBe(2);
  });
});

describe('probe backtest rejects bad input, naming file, line and value, and writes nothing', () => {
  const cases: { name: string; edit?: (lines: string[]) => string[]; args?: string[]; message: RegExp }[] = [
    { name: 'a missing bars file', args: ['--timeframes', '1Hour,15Min'], message: /bars_15Min\.csv: cannot read bars file: no such file/ },
    { name: 'a bad header', edit: (l) => ['time,open,high,low,close,volume', ...l.slice(1)], message: /bars_1Hour\.csv:1: expected the header "timestamp,open,high,low,close,volume", found "time,open,high,low,close,volume"/ },
    { name: 'a non-numeric price', edit: (l) => l.map((x, k) => (k === 5 ? x.replace(/,[0-9.]+,/, ',abc,') : x)), message: /bars_1Hour\.csv:6: open "abc" is not a number/ },
    { name: 'a non-positive price', edit: (l) => l.map((x, k) => (k === 7 ? x.replace(/(Z,[0-9.]+,[0-9.]+,)[0-9.]+/, '$1-1') : x)), message: /bars_1Hour\.csv:8: low -1 must be positive/ },
    { name: 'high below low', edit: (l) => l.map((x, k) => (k === 3 ? '2023-01-02T16:30:00Z,49.5,49.0,49.6,49.55,1000' : x)), message: /bars_1Hour\.csv:4: high 49 is below low 49\.6/ },
    { name: 'unsorted timestamps', edit: (l) => [l[0]!, l[2]!, l[1]!, ...l.slice(3)], message: /bars_1Hour\.csv:3: timestamp 2023-01-02T14:30:00Z is earlier than the line before it/ },
    { name: 'a duplicate timestamp', edit: (l) => [l[0]!, l[1]!, l[1]!, ...l.slice(2)], message: /bars_1Hour\.csv:3: duplicate timestamp 2023-01-02T14:30:00Z/ },
    { name: 'an unknown strategy id', args: ['--strategies', '1,101'], message: /--strategies: unknown strategy "101"/ },
    { name: 'an unknown risk profile', args: ['--risk-profiles', 'low,extreme'], message: /--risk-profiles: unknown risk profile "extreme" \(expected low, medium, high\)/ },
  ];

  it.each(cases)('$name', async ({ edit, args = [], message }) => {
    const data = dataWith1Hour(edit);
    const out = join(tempDir(), 'out');
    const run = await probe(['backtest', '--data', data, '--symbol', 'SYNTH', '--out', out, '--timeframes', '1Hour', ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^error: /);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves existing output files untouched when the input is bad', async () => {
    const data = dataWith1Hour((l) => [l[0]!, l[1]!, l[1]!]);
    const out = tempDir();
    copyFileSync(join(PARITY_DIR, 'bars_1Day.csv'), join(out, 'trades.csv'));
    const before = readFileSync(join(out, 'trades.csv'), 'utf8');
    const run = await probe(['backtest', '--data', data, '--symbol', 'SYNTH', '--out', out, '--timeframes', '1Hour']);
    expect(run.status).toBe(2);
    expect(readFileSync(join(out, 'trades.csv'), 'utf8')).toBe(before);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
  });

  it('leaves an existing OUT folder as it was when the third timeframe is bad', async () => {
    const data = tempDir();
    for (const tf of ['15Min', '1Hour']) copyFileSync(join(PARITY_DIR, `bars_${tf}.csv`), join(data, `bars_${tf}.csv`));
    const day = readFileSync(join(PARITY_DIR, 'bars_1Day.csv'), 'utf8').split('\n');
    writeFileSync(join(data, 'bars_1Day.csv'), [...day.slice(0, 900), 'not,a,bar', ...day.slice(900)].join('\n'));
    const out = tempDir();
    writeFileSync(join(out, 'trades.csv'), 'old trades\r\n');
    writeFileSync(join(out, 'results.csv'), 'old results\r\n');
    const run = await probe(['backtest', '--data', data, '--symbol', 'SYNTH', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bars_1Day\.csv:901: expected 6 fields, found 3/);
    expect(readdirSync(out).sort()).toEqual(['results.csv', 'trades.csv']);
    expect(readFileSync(join(out, 'trades.csv'), 'utf8')).toBe('old trades\r\n');
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe('old results\r\n');
  });

  it('refuses an output path that is a folder before any work, changing nothing', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'trades.csv'));
    writeFileSync(join(out, 'results.csv'), 'old results\r\n');
    const run = await probe(['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out, '--timeframes', '1Day']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: --out: .*trades\.csv exists and is not a file/m);
    expect(readdirSync(out).sort()).toEqual(['results.csv', 'trades.csv']);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe('old results\r\n');
  });

  it('leaves existing output as it was, without temporary files, when stopped halfway', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'trades.csv'), 'old trades\r\n');
    writeFileSync(join(out, 'results.csv'), 'old results\r\n');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'runtime/cli/main.ts'), 'backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    // stop it once it is writing: its staged files have appeared and grown
    const deadline = Date.now() + 60_000;
    // run.json is staged too, and written last
    const staged = (): string[] => readdirSync(out).filter((f) => f.endsWith('.tmp') && !f.startsWith('.run.json'));
    while (!(staged().length === 2 && staged().every((f) => statSync(join(out, f)).size > 1000)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(staged()).toHaveLength(2);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(143);
    expect(stderr).toMatch(/SIGTERM: backtest interrupted/);
    expect(readdirSync(out).sort()).toEqual(['results.csv', 'trades.csv']);
    expect(readFileSync(join(out, 'trades.csv'), 'utf8')).toBe('old trades\r\n');
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe('old results\r\n');
  });

  it('explains a missing required flag', async () => {
    const run = await probe(['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Missing required argument: out/);
  });
});
