import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop lag in milliseconds over one window: how late a timer fired beyond its interval. */
export interface LagFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface EventLoopLagOptions {
  /** The sampling timer's interval; a delay shorter than this is not seen. Default 10 ms. */
  readonly resolutionMs?: number;
  /** How long one window lasts before its figures are reported and a new one starts. Default 60 s. */
  readonly windowMs?: number;
  /** How old the current window must be before figures() prefers it to the previous one. Default 10 s. */
  readonly minWindowMs?: number;
}

const NS_PER_MS = 1e6;
const NONE: LagFigures = { p50: 0, p99: 0, max: 0 };

/**
 * Samples the event loop's delay (perf_hooks.monitorEventLoopDelay) in
 * windows: every `windowMs` the window's figures go to the listeners and
 * the histogram starts over, so the figures describe the recent past, not
 * the whole uptime. A window only seconds old holds too few samples for a
 * p99, so figures() answers with the previous window until the current one
 * is `minWindowMs` old. Neither the sampling timer nor the window timer
 * keeps the process alive; close() stops both.
 */
export class EventLoopLag {
  private readonly histogram: IntervalHistogram;
  private readonly resolutionMs: number;
  private readonly minWindowMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly listeners: ((figures: LagFigures) => void)[] = [];
  private windowStarted = Date.now();
  private previous: LagFigures | undefined;
  private closed = false;

  constructor(options: EventLoopLagOptions = {}) {
    this.resolutionMs = options.resolutionMs ?? 10;
    this.minWindowMs = options.minWindowMs ?? 10_000;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.timer = setInterval(() => this.endWindow(), options.windowMs ?? 60_000);
    this.timer.unref();
  }

  /** Calls `listener` with each window's figures as the window ends (a periodic log line). */
  onWindow(listener: (figures: LagFigures) => void): void {
    this.listeners.push(listener);
  }

  /** The current window's figures once it is old enough, else the previous window's (zeros before any sample). */
  figures(): LagFigures {
    const young = Date.now() - this.windowStarted < this.minWindowMs;
    if (this.previous !== undefined && (young || this.histogram.count === 0)) return this.previous;
    return this.current();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private endWindow(): void {
    // a window without a sample (possible only with a window shorter than a few resolutions) reports nothing
    const sampled = this.histogram.count > 0;
    if (sampled) this.previous = this.current();
    this.histogram.reset();
    this.windowStarted = Date.now();
    if (!sampled) return;
    for (const listener of this.listeners) listener(this.previous!);
  }

  /**
   * The histogram records the interval between the sampling timer's calls,
   * the resolution included: an idle loop reads about `resolutionMs`, so
   * the lag is what exceeds it.
   */
  private current(): LagFigures {
    if (this.histogram.count === 0) return NONE;
    const lag = (ns: number): number => Math.round(Math.max(0, ns / NS_PER_MS - this.resolutionMs) * 100) / 100;
    return { p50: lag(this.histogram.percentile(50)), p99: lag(this.histogram.percentile(99)), max: lag(this.histogram.max) };
  }
}
