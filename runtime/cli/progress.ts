import type * as CliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import { type Logger, setStatusLine } from '../logger.js';

/** cli-progress is loaded only on a terminal: a piped or logged run never pays for it. */
const loadCliProgress = (): typeof CliProgress => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

export interface ProgressReporter {
  /** `done` of `total` combinations finished; a plain function, so that it can be passed as a callback. */
  update: (done: number, total: number) => void;
  /** Stops reporting; the terminal is left without the bar. Safe to call twice. */
  end: () => void;
}

/** How often a run that is not on a terminal logs a progress line, unless PROGRESS_INTERVAL_VARIABLE says otherwise. */
export const PROGRESS_INTERVAL_MS = 10_000;
/** Milliseconds between progress lines; for tests, which cannot wait 10 s for one. */
export const PROGRESS_INTERVAL_VARIABLE = 'PROBE_PROGRESS_INTERVAL_MS';

/**
 * Progress of long work: a bar with the rate and the time left on a
 * terminal (stderr is a TTY), else an info line (event `progress`) every
 * PROGRESS_INTERVAL_MS, for whoever reads the logs.
 */
export function progressReporter(label: string, log: Logger, env: NodeJS.ProcessEnv = process.env): ProgressReporter {
  if (process.stderr.isTTY === true) return progressBar(label);
  return progressLog(label, log, progressInterval(env, log));
}

/**
 * The interval from PROGRESS_INTERVAL_VARIABLE. A bad value is warned
 * about and the default taken: the reporter is made once the work has
 * started (worker threads running), where an error would leave them
 * running.
 */
export function progressInterval(env: NodeJS.ProcessEnv, log: Logger): number {
  const setting = env[PROGRESS_INTERVAL_VARIABLE];
  if (setting === undefined || setting === '') return PROGRESS_INTERVAL_MS;
  const ms = /^\d+$/.test(setting.trim()) ? Number(setting.trim()) : Number.NaN;
  if (Number.isSafeInteger(ms) && ms > 0) return ms;
  log.warn(
    { event: 'config_ignored', variable: PROGRESS_INTERVAL_VARIABLE, value: setting },
    `${PROGRESS_INTERVAL_VARIABLE}: expected a positive whole number of milliseconds (value: ${JSON.stringify(setting)}); ` +
      `logging progress every ${PROGRESS_INTERVAL_MS / 1000} s`,
  );
  return PROGRESS_INTERVAL_MS;
}

export interface ProgressFigures {
  readonly percent: number;
  /** Combinations per second since the first report; undefined before any finished. */
  readonly perSecond: number | undefined;
  /** Seconds left at that rate; undefined while the rate is unknown. */
  readonly etaSeconds: number | undefined;
}

/** Where work stands: `done` of `total`, `doneAtStart` of them already done `elapsedMs` ago. */
export function progressFigures(done: number, total: number, doneAtStart: number, elapsedMs: number): ProgressFigures {
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
  if (done <= doneAtStart || elapsedMs <= 0) return { percent, perSecond: undefined, etaSeconds: undefined };
  const perSecond = ((done - doneAtStart) * 1000) / elapsedMs;
  return { percent, perSecond, etaSeconds: Math.max(0, total - done) / perSecond };
}

/** `12.5/s` below 10 a second, `150/s` above. */
export function rateText(perSecond: number | undefined): string {
  if (perSecond === undefined) return '-/s';
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

/** `ETA 42s`, `ETA 3m05s`, `ETA 1h02m`; `ETA -` while unknown. */
export function etaText(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'ETA -';
  const s = Math.ceil(seconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `ETA ${s}s`;
  if (s < 3600) return `ETA ${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `ETA ${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

/** Keeps the first report's count and time: rates are measured from there. */
function startClock(now: () => number): (done: number, total: number) => ProgressFigures {
  let start: { done: number; at: number } | undefined;
  return (done, total) => {
    start ??= { done, at: now() };
    return progressFigures(done, total, start.done, now() - start.at);
  };
}

/**
 * Info lines with done/total, the rate and the time left, one every
 * `intervalMs` (the first `intervalMs` after the first report), none once
 * all is done: the command's finish line says that.
 */
export function progressLog(label: string, log: Logger, intervalMs: number, now: () => number = Date.now): ProgressReporter {
  const figures = startClock(now);
  let last: number | undefined;
  return {
    update(done, total) {
      const at = now();
      const { percent, perSecond, etaSeconds } = figures(done, total);
      last ??= at;
      if (done >= total || at - last < intervalMs) return;
      last = at;
      log.info(
        {
          event: 'progress',
          done,
          total,
          percent,
          per_second: perSecond === undefined ? null : Number(perSecond.toFixed(2)),
          eta_seconds: etaSeconds === undefined ? null : Math.ceil(etaSeconds),
        },
        `${label}: ${done}/${total} combinations (${percent}%), ${rateText(perSecond)}, ${etaText(etaSeconds)}`,
      );
    },
    end() {},
  };
}

type Bars = CliProgress.MultiBar;
type Bar = ReturnType<Bars['create']>;

/**
 * cli-progress redraws on a timer that would keep the process alive after
 * a failed run whose caller never calls end(); the work itself holds the
 * process open while it runs, so the timer need not.
 */
function unrefTimer(bars: Bars): void {
  (bars as unknown as { timer: NodeJS.Timeout | null }).timer?.unref();
}

/**
 * A bar on stderr, redrawn ten times a second. A MultiBar of one bar:
 * unlike cli-progress's SingleBar it does not save and restore the cursor
 * position, which log lines scrolling the screen would make wrong. It
 * leaves the terminal's settings (cursor, line wrapping) alone, so that a
 * run ending without end() leaves nothing changed.
 */
function progressBar(label: string): ProgressReporter {
  const figures = startClock(Date.now);
  let bars: Bars | undefined;
  let bar: Bar | undefined;
  let ended = false;

  // Ctrl-C: backtest's handler prints a message and exits; the bar goes first, so that the message starts its own line
  const onSignal = (signal: NodeJS.Signals): void => {
    end();
    // alone, this listener would swallow the signal: let it do what it would have done
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  function start(total: number, done: number): Bar {
    const { MultiBar } = loadCliProgress();
    const shown = new MultiBar({
      stream: process.stderr,
      // cli-progress's own {eta} token would hide a payload of that name
      format: '{label} [{bar}] {percentage}% {value}/{total} | {speed} | {left}',
      barsize: 20,
      fps: 10,
      // a log line wipes the bar: redraw it even when the figures did not change
      forceRedraw: true,
      // cut to the terminal's width rather than switch its line wrapping off and on
      linewrap: true,
      hideCursor: null,
      clearOnComplete: true,
      gracefulExit: false,
    });
    shown.on('update-post', () => unrefTimer(shown));
    const created = shown.create(total, done, { label, speed: rateText(undefined), left: etaText(undefined) });
    unrefTimer(shown);
    bars = shown;
    setStatusLine({ clear: () => process.stderr.write('\r\x1b[2K'), redraw: () => shown.update() });
    process.prependListener('SIGINT', onSignal);
    process.prependListener('SIGTERM', onSignal);
    // a run that fails without end() still exits with the line clean
    process.once('exit', end);
    return created;
  }

  function end(): void {
    ended = true;
    if (bars === undefined) return;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', end);
    setStatusLine(undefined);
    bars.stop();
    bars = undefined;
    bar = undefined;
  }

  return {
    update(done, total) {
      const { perSecond, etaSeconds } = figures(done, total);
      if (ended || total <= 0) return;
      const current = (bar ??= start(total, done));
      if (current.getTotal() !== total) current.setTotal(total);
      current.update(done, { speed: rateText(perSecond), left: etaText(etaSeconds) });
    },
    end,
  };
}
