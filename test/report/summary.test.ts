import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_MANIFEST_FILE, type RunManifest, formatRunManifest } from '../../runtime/output/run-manifest.js';
import { DIAGNOSTICS } from '../../generated/diagnostics.js';
import { probe, ROOT } from '../support/cli.js';
import { FIXTURE_DIR, TIMEFRAMES } from '../support/fixtures.js';

/**
 * summary.csv of the parity fixtures' trades (the Python engine's own
 * output) against the same metrics computed by the system python3 from
 * trades.csv.gz, following only the issue's definitions.
 */
const PROFILES = ['low', 'medium', 'high'] as const;
let out: string;
let report: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'probe-summary-'));
  report = join(out, 'report');
  writeFileSync(join(out, 'trades.csv'), gunzipSync(readFileSync(join(FIXTURE_DIR, 'trades.csv.gz'))));
  const bars = Object.fromEntries(
    TIMEFRAMES.map((tf) => {
      const lines = readFileSync(join(FIXTURE_DIR, `bars_${tf}.csv`), 'utf8').trim().split('\n').slice(1);
      const time = (line: string): string => line.slice(0, line.indexOf(','));
      return [tf, { file: join(FIXTURE_DIR, `bars_${tf}.csv`), count: lines.length, first: time(lines[0]!), last: time(lines.at(-1)!) }];
    }),
  );
  const manifest: RunManifest = {
    probe_version: 'reference', registry_hash: 'reference', symbol: 'SYNTH', data: FIXTURE_DIR, timeframes: [...TIMEFRAMES],
    strategies: Array.from({ length: 100 }, (_, k) => k + 1), risk_profiles: [...PROFILES], indicators: 'port', bars,
  };
  writeFileSync(join(out, RUN_MANIFEST_FILE), formatRunManifest(manifest));
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('probe report --from: summary.csv', () => {
  it('equals the metrics python3 computes from the reference trades', async () => {
    const run = await probe(['report', '--from', out, '--out', report]);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(run.status).toBe(0);
    const summary = readFileSync(join(report, 'summary.csv'), 'utf8').split('\r\n').filter((l) => l !== '');
    const python = spawnSync(
      'python3',
      [join(ROOT, 'test/report/summary_metrics.py'), join(FIXTURE_DIR, 'trades.csv.gz'), join(ROOT, 'strategies.json'), 'SYNTH', TIMEFRAMES.join(','), PROFILES.join(',')],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    expect(python.stderr).toBe('');
    const expected = python.stdout.split('\r\n').filter((l) => l !== '');
    expect(summary).toHaveLength(1 + 900);
    expect(expected).toHaveLength(900);
    // every column but never_trades (the compiler's finding, checked below), row by row in the reference order
    const withoutReason = summary.slice(1).map((line) => line.replace(/,(?:"(?:[^"]|"")*"|[^,"]*)$/, ''));
    for (let k = 0; k < 900; k++) expect(withoutReason[k], `row ${k + 1}`).toBe(expected[k]);

    // a reason exactly for the strategies the compiler proved can never trade, and those made no trade here
    const never = new Set(DIAGNOSTICS.filter((d) => d.neverTrades).map((d) => d.id));
    for (const line of summary.slice(1)) {
      const [, , id, , , trades] = line.split(',');
      const reason = line.endsWith(',') ? '' : line.slice(line.lastIndexOf(',"') + 2);
      expect(reason !== '', `strategy ${id}`).toBe(never.has(Number(id)));
      if (never.has(Number(id))) expect(trades).toBe('0');
    }
  }, 120_000);

  it('prints the leaderboard: per timeframe the top 10 and bottom 5 by total return, among those with 10 trades or more', async () => {
    const run = await probe(['report', '--from', out, '--out', report]);
    expect(run.status).toBe(0);
    const rows = readFileSync(join(report, 'summary.csv'), 'utf8').split('\r\n').slice(1).filter((l) => l !== '').map((l) => l.split(','));
    for (const tf of TIMEFRAMES) {
      const eligible = rows.filter((r) => r[1] === tf && Number(r[5]) >= 10).sort((a, b) => Number(b[13]) - Number(a[13]));
      const section = run.stdout.slice(run.stdout.indexOf(`${tf}: top`));
      const table = section.slice(0, section.indexOf('\n\n')).split('\n');
      expect(table[0]).toBe(`${tf}: top 10 by total return, of ${eligible.length} with 10 trades or more`);
      const named = table.filter((l) => /^\s*\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).slice(1, 4).join(' '));
      const want = [...eligible.slice(0, 10), ...eligible.slice(-5)].map((r) => `${r[2]} ${r[3]} ${r[4]}`);
      expect(named).toEqual(want);
    }
  }, 120_000);

  it('refuses a folder without run.json, and bars that changed since the run', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'probe-bare-'));
    try {
      writeFileSync(join(bare, 'trades.csv'), readFileSync(join(out, 'trades.csv')).subarray(0, 2000));
      const missing = await probe(['report', '--from', bare, '--out', join(bare, 'r')]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(`${bare} holds no run.json`);
      const manifest = JSON.parse(readFileSync(join(out, RUN_MANIFEST_FILE), 'utf8')) as RunManifest;
      manifest.bars['1Day']!.count += 1;
      writeFileSync(join(bare, RUN_MANIFEST_FILE), formatRunManifest(manifest));
      const changed = await probe(['report', '--from', bare, '--out', join(bare, 'r')]);
      expect(changed.status).toBe(2);
      expect(changed.stderr).toMatch(/bars_1Day\.csv: 1500 bars from .* but the run read 1501/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  }, 120_000);
});
