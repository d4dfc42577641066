import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, probe } from '../support/cli.js';
import { PARITY_DIR } from '../support/parity-fixtures.js';

/** The environment of a run: the caller's, without the variables these tests are about unless given. */
function runEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['LOG_FORMAT', 'LOG_LEVEL', 'PROBE_PROGRESS_INTERVAL_MS']) delete base[name];
  return { ...base, ...env };
}

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Runs `command` (node's arguments) with a pseudo-terminal as its stdin,
 * stdout and stderr, through util-linux `script`; gives everything the
 * terminal received.
 */
function onTty(command: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; output: string }> {
  return new Promise((done, fail) => {
    const line = [process.execPath, '--import', 'tsx', ...command].map(quote).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', line, '/dev/null'], { cwd: ROOT, env: runEnv(env), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ status: code ?? -1, output }));
  });
}

const probeOnTty = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; output: string }> =>
  onTty([join(ROOT, 'runtime/cli/main.ts'), ...args], env);

/**
 * The lines a terminal shows after `output`: a small VT100 with what a
 * progress bar and log lines use (carriage return, line feed, cursor to a
 * column, erase in line and below, colours). Any other control sequence
 * fails the test: a bar must not leave the terminal in another state.
 */
function screen(output: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (text: string): void => {
    const line = lines[row]!.padEnd(col);
    lines[row] = line.slice(0, col) + text + line.slice(col + text.length);
    col += text.length;
  };
  for (const [token, params = '', final] of output.matchAll(/\x1b\[([0-9;]*)([A-Za-z])|\x1b[^[]|\r|\n|[^\x1b\r\n]+/g)) {
    const n = Number(params === '' ? 0 : params);
    if (token === '\r') col = 0;
    else if (token === '\n') lines[++row] ??= '';
    else if (final === 'm') continue;
    else if (final === 'G') col = Math.max(n, 1) - 1;
    else if (final === 'K' && n === 0) lines[row] = lines[row]!.slice(0, col);
    else if (final === 'K' && n === 2) lines[row] = '';
    else if (final === 'J' && n === 0) lines.splice(row, lines.length, lines[row]!.slice(0, col));
    else if (token.startsWith('\x1b')) throw new Error(`unexpected control sequence ${JSON.stringify(token)} in ${JSON.stringify(output)}`);
    else put(token);
  }
  const shown = lines.map((l) => l.trimEnd());
  while (shown.at(-1) === '') shown.pop();
  return shown;
}

/** A small backtest: 1Day, one strategy, one profile. */
const smallBacktest = (out: string): string[] =>
  ['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', out, '--timeframes', '1Day', '--strategies', '1', '--risk-profiles', 'low', '--workers', '1'];

const tempOut = (): string => join(mkdtempSync(join(tmpdir(), 'probe-tty-')), 'out');

/** A frame of the bar: label, 20-wide bar, percentage, done/total, rate, ETA. */
const BAR = /backtest \[[=-]{20}\] \d{1,3}% \d+\/900 \| (\d+(?:\.\d)?)\/s \| ETA (\d+s|\d+m\d\ds|\d+h\d\dm)/g;

beforeAll(() => {
  expect(spawnSync('script', ['--version']).status, 'util-linux script is needed to run probe on a pseudo-terminal').toBe(0);
  // "without a config file": probe runs in ROOT and would read a config.yaml there
  expect(existsSync(join(ROOT, 'config.yaml')), `${ROOT}/config.yaml must not exist for these tests`).toBe(false);
});

describe('probe on a terminal', () => {
  it('writes human log lines, not JSON', async () => {
    const run = await probeOnTty(smallBacktest(tempOut()));
    expect(run.status, run.output).toBe(0);
    const lines = screen(run.output);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: backtest SYNTH: 1Day x 1 strategies x low \(1 combinations\) \{"command":"backtest"/);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: backtest SYNTH finished: 1 combinations/);
    expect(lines[2]).toMatch(/^1 combinations: \d+ trades -> /);
    // pino-pretty's colours: a person's terminal
    expect(run.output).toContain('\x1b[32mINFO');
  });

  it('writes JSON when LOG_FORMAT=json, without a config file', async () => {
    const run = await probeOnTty(smallBacktest(tempOut()), { LOG_FORMAT: 'json' });
    expect(run.status, run.output).toBe(0);
    const lines = screen(run.output);
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).map((l) => (JSON.parse(l) as { level: string; event: string }).event)).toEqual(['run_start', 'run_finish']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', command: 'backtest' });
  });

  it('hides info lines when LOG_LEVEL=warn, without a config file', async () => {
    const run = await probeOnTty(smallBacktest(tempOut()), { LOG_LEVEL: 'warn' });
    expect(run.status, run.output).toBe(0);
    expect(screen(run.output)).toEqual([expect.stringMatching(/^1 combinations: \d+ trades -> /)]);
  });

  it('shows a progress bar with the rate and the time left, and leaves no trace of it', async () => {
    const run = await probeOnTty(['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', tempOut(), '--timeframes', '15Min,1Hour,1Day']);
    expect(run.status, run.output).toBe(0);
    const frames = [...run.output.matchAll(BAR)];
    expect(frames.length, run.output).toBeGreaterThan(0);
    expect(frames.some(([, rate]) => Number(rate) > 0)).toBe(true);
    const lines = screen(run.output);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/INFO: backtest SYNTH: 15Min, 1Hour, 1Day x 100 strategies/);
    expect(lines[1]).toMatch(/INFO: backtest SYNTH finished: 900 combinations/);
    expect(lines[2]).toMatch(/^900 combinations: 50376 trades -> /);
  });

  it('writes a log line above the bar, which comes back below it', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'probe-tty-')), 'bar.mts');
    writeFileSync(
      script,
      [
        `import { progressReporter } from ${JSON.stringify(join(ROOT, 'runtime/cli/progress.ts'))};`,
        `import { createLogger } from ${JSON.stringify(join(ROOT, 'runtime/logger.ts'))};`,
        `const log = createLogger({ level: 'info', format: 'json' });`,
        `const pause = () => new Promise((done) => setTimeout(done, 300));`,
        `const progress = progressReporter('backtest', log);`,
        `progress.update(0, 900);`,
        `await pause();`,
        `progress.update(450, 900);`,
        `await pause();`,
        `log.info('halfway');`,
        `await pause();`,
        `progress.end();`,
        `log.info('done');`,
      ].join('\n'),
    );
    const run = await onTty([script]);
    expect(run.status, run.output).toBe(0);
    // the bar was drawn after the log line too
    const afterLine = run.output.slice(run.output.indexOf('"msg":"halfway"'));
    expect(afterLine).toMatch(/backtest \[={10}-{10}\] 50% 450\/900/);
    expect(screen(run.output).map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['halfway', 'done']);
  });
});

describe('probe off a terminal', () => {
  it('writes JSON log lines', async () => {
    const run = await probe(smallBacktest(tempOut()), runEnv({}));
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['run_start', 'run_finish']);
  });

  it('hides info lines when LOG_LEVEL=warn, without a config file', async () => {
    const run = await probe(smallBacktest(tempOut()), runEnv({ LOG_LEVEL: 'warn' }));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^1 combinations: /);
  });

  it('logs progress lines with done/total, the rate and the time left', async () => {
    const run = await probe(
      ['backtest', '--data', PARITY_DIR, '--symbol', 'SYNTH', '--out', tempOut(), '--timeframes', '1Day', '--workers', '1'],
      runEnv({ PROBE_PROGRESS_INTERVAL_MS: '100' }),
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(0)!.event).toBe('run_start');
    expect(lines.at(-1)!.event).toBe('run_finish');
    const progress = lines.filter((l) => l.event === 'progress');
    expect(progress.length, run.stderr).toBeGreaterThan(0);
    expect(lines.slice(1, -1)).toEqual(progress);
    for (const line of progress) {
      expect(line).toMatchObject({ level: 'info', command: 'backtest', total: 300 });
      expect(line.done as number).toBeLessThan(300);
      const [, done, percent] = /^backtest: (\d+)\/300 combinations \((\d+)%\), (?:-|\d+(?:\.\d)?)\/s, ETA (?:-|\d+s|\d+m\d\ds)$/.exec(line.msg as string) ?? [];
      expect([Number(done), Number(percent)], line.msg as string).toEqual([line.done, line.percent]);
    }
    const counted = progress.filter((l) => (l.done as number) > 0);
    expect(counted.length).toBeGreaterThan(0);
    for (const line of counted) {
      expect(line.per_second as number).toBeGreaterThan(0);
      expect(line.eta_seconds as number).toBeGreaterThanOrEqual(0);
    }
  });
});
