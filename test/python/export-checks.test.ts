import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { PYTHON, runPython } from './python.js';

/**
 * The exporter as the Python team meets it: one command that lists every
 * problem (its own, the compiler's, every closure that disagrees with its
 * JSON), a --check that names what differs, `make check-registry`, and the
 * package installed with pip.
 */

const EXPORTER = 'scripts/export_registry.py';
const STANDIN = 'test/python/standin_registry.py';
const EXPECTED = resolve(ROOT, 'test/python/standin-expected.json');
const run = promisify(execFile);

/** A strategies.json record, as far as these tests read it. */
interface StrategyRecord {
  id: number;
  name: string;
  philosophy: string;
  atr_stop_mult: number | null;
  [side: string]: unknown;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-export-checks-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function standinRecords(): StrategyRecord[] {
  return JSON.parse(readFileSync(EXPECTED, 'utf8')) as StrategyRecord[];
}

function writeJson(name: string, records: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(records, null, 2)}\n`);
  return path;
}

/**
 * The stand-in's expected export edited by Python statements on `d` (the
 * records) and written as the exporter writes (JSON.stringify would turn
 * 2.0 into 2, itself a difference of form).
 */
async function editedStandin(name: string, edit: string): Promise<string> {
  const path = join(dir, name);
  const script = ['import json, sys', 'sys.path.insert(0, "scripts")', 'from probe_registry.export import render', 'd = json.load(open(sys.argv[1]))', edit, 'open(sys.argv[2], "w").write(render(d))'];
  const result = await runPython(['-c', script.join('\n'), EXPECTED, path]);
  expect(result.status, result.stderr).toBe(0);
  return path;
}

describe('verification: a closure against its JSON', () => {
  it('catches an annotation that drifted from its closure, naming the strategy, the condition and the bar, and writes nothing', async () => {
    const out = join(dir, 'drift.json');
    const result = await runPython([EXPORTER, '--module', 'test/python/drifting_registry.py', '--out', out]);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    // the closure says close > ema_20 + 1.5 * atr_14, its expr + atr_14
    const drift = lines.filter((l) => l.startsWith("export_registry: strategy 69 'ema_pullback'"));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatch(
      /^export_registry: strategy 69 'ema_pullback' exit_long\[0\] expr: bar (\d+) \(\d{4}-\d\d-\d\dT[\d:]+Z\): the Python closure says False, the expr says True \((\d+) of 1000 bars differ\): fix the closure or its annotation$/,
    );
    // the nested annotation that still agrees is not reported
    expect(result.stderr).not.toContain('entry_long[0].conditions[1]');
    expect(lines).toContain('export_registry: nothing written (1 problem(s))');
    expect(existsSync(out)).toBe(false);
  });

  it('the reported bar is one where the two really differ (checked by hand on the generated bars)', async () => {
    const result = await runPython([EXPORTER, '--module', 'test/python/drifting_registry.py', '--check', EXPECTED]);
    expect(result.status).toBe(2);
    const bar = Number(/exit_long\[0\] expr: bar (\d+)/.exec(result.stderr)?.[1]);
    // recompute close, ema_20 and atr_14 at that bar from the same generated data
    const values = JSON.parse(
      (
        await runPython([
          '-c',
          [
            'import json, sys',
            'sys.path.insert(0, "scripts")',
            'from probe_registry.frames import generate_frame',
            'records = json.load(open(sys.argv[1]))',
            'frame = generate_frame(records, seed=1)',
            'i = int(sys.argv[2])',
            'print(json.dumps([frame[c][i] for c in ("close", "ema_20", "atr_14")]))',
          ].join('\n'),
          writeJson('drift-records.json', await exportedRecords('test/python/drifting_registry.py')),
          String(bar),
        ])
      ).stdout,
    ) as [number, number, number];
    const [close, ema, atr] = values;
    expect(close > ema + atr).toBe(true);
    expect(close > ema + 1.5 * atr).toBe(false);
  });

  it('verifies on the team data it is given, and says what it checked', async () => {
    const parity = resolve(ROOT, '..', 'shared', 'parity', 'synth');
    const result = await runPython([
      EXPORTER, '--module', STANDIN, '--check', EXPECTED,
      '--data', join(parity, 'bars_1Day.csv'), '--data', join(parity, 'indicators_1Day.csv.gz'),
    ]);
    expect(result.stderr).toContain('verification: checked 32 conditions (1 expr) on 1500 bars: all agree');
    expect(result.status).toBe(0);
    const mismatched = await runPython([EXPORTER, '--module', STANDIN, '--check', EXPECTED, '--data', join(parity, 'bars_1Day.csv'), '--data', join(parity, 'bars_15Min.csv')]);
    expect(mismatched.status).toBe(2);
    expect(mismatched.stderr).toContain('bars_1Day.csv has 1500, bars_15Min.csv has 3000');
  });
});

/** The stand-in's export, without --check's committed file. */
async function exportedRecords(module: string): Promise<unknown> {
  const result = await runPython([EXPORTER, '--module', module, '--out', '-', '--no-verify']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('--check: what differs, strategy by strategy and field by field', () => {
  it('names the strategy and field of a real change, with a diff of the conditions, and fails', async () => {
    const committed = await editedStandin('real.json', 'd[1]["exit_long"][0]["ref"] = 60\nd[2]["atr_stop_mult"] = 2.5');
    const before = readFileSync(committed, 'utf8');
    const result = await runPython([EXPORTER, '--module', STANDIN, '--check', committed]);
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines).toContain("strategy 2 'standin_rsi_turn' exit_long: conditions differ");
    expect(lines).toContain('  - above(rsi_14, 60)');
    expect(lines).toContain('  + above(rsi_14, 55)');
    expect(lines).toContain("strategy 3 'standin_adosc_pressure' atr_stop_mult: 2.5 -> 2.0");
    expect(lines).toContain('2 strategies differ (2 real, 0 form-only)');
    expect(result.stderr).toContain(`${committed} is stale: export it again with --out ${committed}, then \`make generate\``);
    // strategies that did not change are not mentioned
    expect(result.stderr).not.toMatch(/strategy [145] /);
    expect(readFileSync(committed, 'utf8')).toBe(before);
  });

  it('passes a change of form only (equal after normalisation), saying so', async () => {
    // strategy 5's 0.5 written as 1.0 - 0.5, and one of its guards repeated
    const committed = await editedStandin(
      'form.json',
      ['w = d[4]["entry_long"][0]["when"]["all"]', 'w[2]["b"]["args"][0] = {"op": "sub", "args": [1.0, 0.5]}', 'w.insert(1, {"finite": ["atr_14"]})'].join('\n'),
    );
    const result = await runPython([EXPORTER, '--module', STANDIN, '--check', committed]);
    expect(result.stderr).toContain("strategy 5 'standin_jump_breakout' entry_long: same after normalisation (form only)");
    expect(result.stderr).toContain('  +       and close - close[1] > 0.5 * atr_14');
    expect(result.stderr).toContain('1 strategy differs (0 real, 1 form-only)');
    expect(result.stderr).toContain('differs from the export in form only (equal after normalisation): up to date');
    expect(result.status).toBe(0);
  });

  it('leaves philosophy to strategies.json: the check ignores it and an export keeps the committed text', async () => {
    const committed = await editedStandin('philosophy.json', 'd[0]["philosophy"] = "Rewritten on probe\'s side for the reports."');
    const check = await runPython([EXPORTER, '--module', STANDIN, '--check', committed]);
    expect(check.stderr).toContain(`${committed} is up to date (5 strategies)`);
    expect(check.status).toBe(0);

    const out = await runPython([EXPORTER, '--module', STANDIN, '--out', committed]);
    expect(out.status).toBe(0);
    const written = JSON.parse(readFileSync(committed, 'utf8')) as StrategyRecord[];
    expect(written[0]!.philosophy).toBe("Rewritten on probe's side for the reports.");
    expect(written[1]!.philosophy).toBe(standinRecords()[1]!.philosophy);

    const take = await runPython([EXPORTER, '--module', STANDIN, '--out', committed, '--take-philosophy']);
    expect(take.status).toBe(0);
    expect(readFileSync(committed, 'utf8')).toBe(readFileSync(EXPECTED, 'utf8'));
  });

  it('make check-registry: probe’s own strategies.json is the export of a registry rebuilt from it', async () => {
    const { stderr } = await run('make', ['-s', '--no-print-directory', '-C', ROOT, 'check-registry', 'PY_REGISTRY=test/python/json_registry.py'], {
      cwd: tmpdir(),
      env: { ...process.env, PYTHON },
    });
    expect(stderr).toMatch(/verification: checked \d{3} conditions \(\d+ expr\) on \d+ bars: all agree/);
    expect(stderr).toContain('strategies.json is up to date (100 strategies)');
    const usage = await run('make', ['-s', '--no-print-directory', '-C', ROOT, 'check-registry'], { cwd: tmpdir() }).catch((e: { code: number; stdout: string }) => e);
    expect('code' in usage ? usage.code : 0).toBe(2);
    expect(usage.stdout).toContain('usage: make check-registry PY_REGISTRY=module');
  });
});

describe('one command lists every problem', () => {
  it("runs probe's compiler on the export: unknown columns and missing bars-back guards come with the Python problems", async () => {
    const module = join(dir, 'compiler_errors.py');
    writeFileSync(
      module,
      [
        'import sys',
        `sys.path.insert(0, ${JSON.stringify(resolve(ROOT, 'scripts'))})`,
        'from probe_registry import StrategyDef, with_expr',
        'from probe_registry.conditions import above',
        '',
        '@with_expr({"cmp": ">", "a": "close", "b": {"col": "close", "lag": 2}})',
        'def up_two(frame, idx):',
        '    return frame["close"][idx] > frame["close"][idx - 2]',
        '',
        'def by_hand(frame, idx):',
        '    return True',
        '',
        'STRATEGIES = [StrategyDef(id=1, name="one", display_name="One", philosophy="p", category="trend",',
        '    direction="long_only", entry_long=[above("no_such_column", 1), up_two], exit_long=[by_hand],',
        '    required_indicators=["atr_14"])]',
        '',
      ].join('\n'),
    );
    const result = await runPython([EXPORTER, '--module', module, '--out', join(dir, 'never.json'), '--no-verify']);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^export_registry: strategy 1 'one' exit_long\[0\]: by_hand \(compiler_errors\.py:\d+\) is a hand-written function/);
    expect(lines[1]).toMatch(/^export_registry: compiler: strategy 1: entry_long\[0\]\.col: .*no_such_column/);
    expect(lines[2]).toMatch(/^export_registry: compiler: strategy 1: entry_long\[1\]\.when\.b: reads 2 bar\(s\) back without a preceding \{"min_bars": 2\}/);
    expect(lines[3]).toBe('export_registry: nothing written (3 problem(s))');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('refuses a registry that a swallowing package __init__ left empty, and says how to see the real error', async () => {
    const team = join(dir, 'team');
    mkdirSync(join(team, 'strats'), { recursive: true });
    writeFileSync(
      join(team, 'strats', '__init__.py'),
      ['STRATEGIES = []', 'try:', '    from strats.all import ALL', '    STRATEGIES.extend(ALL)', 'except ImportError:', '    pass  # as the reference does: the registry stays empty', ''].join('\n'),
    );
    writeFileSync(join(team, 'strats', 'all.py'), 'import no_such_dependency\nALL = []\n');
    const result = await runPython([resolve(ROOT, EXPORTER), '--module', 'strats', '--path', team, '--out', join(dir, 'empty.json')], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("strats holds no strategies: if a package __init__ catches import errors, it hides why; run python3 -c 'import strats' to see the error");
    expect(existsSync(join(dir, 'empty.json'))).toBe(false);
  });
});

describe('pip install', () => {
  it('installs probe_registry from the checkout with no package index, and its command exports from any folder', async () => {
    const venv = join(dir, 'venv');
    await run(PYTHON, ['-m', 'venv', venv]);
    const pip = join(venv, 'bin', 'pip');
    await run(pip, ['install', '--no-index', '--quiet', ROOT], { cwd: dir, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const python = join(venv, 'bin', 'python');
    const { stdout: where } = await run(python, ['-c', 'import probe_registry; print(probe_registry.__file__)'], { cwd: dir });
    expect(where.trim()).toBe(join(venv, 'lib', /python3\.\d+/.exec(where)![0], 'site-packages', 'probe_registry', '__init__.py'));

    // a team's registry, importing the installed package (no sys.path edits)
    writeFileSync(
      join(dir, 'team_registry.py'),
      [
        'from probe_registry import StrategyDef',
        'from probe_registry.conditions import crosses_above, crosses_below',
        'STRATEGIES = [StrategyDef(id=1, name="cross", display_name="Cross", philosophy="p", category="trend",',
        '    direction="long_only", entry_long=[crosses_above("ema_20", "ema_50")],',
        '    exit_long=[crosses_below("ema_20", "ema_50")], required_indicators=["ema_20", "ema_50", "atr_14"])]',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'team.json');
    const exported = await run(join(venv, 'bin', 'probe-export-registry'), ['--module', 'team_registry', '--out', out], {
      cwd: dir,
      env: { ...process.env, PROBE_HOME: ROOT },
    });
    expect(exported.stderr).toContain('verification: checked 2 conditions (0 expr) on 1000 bars: all agree');
    expect(exported.stderr).not.toContain('warning');
    expect((JSON.parse(readFileSync(out, 'utf8')) as StrategyRecord[]).map((r) => r.name)).toEqual(['cross']);
    expect(statSync(out).mode & 0o777).toBe(0o644);

    // without a probe checkout it says the compiler's checks did not run
    const alone = await run(python, ['-m', 'probe_registry', '--module', 'team_registry', '--check', out], { cwd: dir, env: { ...process.env, PROBE_HOME: '' } });
    expect(alone.stderr).toContain("warning: the compiler's checks did not run: no probe checkout found: pass --probe DIR or set PROBE_HOME");
    expect(alone.stderr).toContain(`${out} is up to date (1 strategies)`);
  }, 120_000);
});
