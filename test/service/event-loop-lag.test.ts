import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopLag, type LagFigures } from '../../runtime/service/event-loop-lag.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps the event loop busy, as a synchronous piece of work would. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('EventLoopLag', () => {
  let lag: EventLoopLag | undefined;
  afterEach(() => lag?.close());

  it('sees a blocked loop in the window, and reports each window as it ends', async () => {
    const windows: LagFigures[] = [];
    lag = new EventLoopLag({ windowMs: 300, minWindowMs: 0 });
    lag.onWindow((figures) => windows.push(figures));
    await sleep(50);
    block(80);
    // the sampling timer records the delay when it next runs
    await sleep(20);
    const now = lag.figures();
    // 80 ms blocked is 80 ms late, give or take the 10 ms resolution (only a lower bound holds on a busy machine)
    expect(now.max).toBeGreaterThanOrEqual(60);
    expect(now.p50).toBeLessThanOrEqual(now.p99);
    expect(now.p99).toBeLessThanOrEqual(now.max);
    await sleep(400);
    expect(windows.length).toBeGreaterThanOrEqual(1);
    expect(windows[0]!.max).toBeGreaterThanOrEqual(60);
  });

  it('answers with the previous window while the current one is young', async () => {
    lag = new EventLoopLag({ windowMs: 300, minWindowMs: 60_000 });
    // before any window ended: the current one, young or not
    expect(lag.figures()).toEqual({ p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) });
    await sleep(30);
    block(80);
    await sleep(350);
    // the blocked window has ended; the current one is young, so the blocked one still answers
    expect(lag.figures().max).toBeGreaterThanOrEqual(60);
  });

  it('stops reporting once closed', async () => {
    const windows: LagFigures[] = [];
    lag = new EventLoopLag({ windowMs: 50 });
    lag.onWindow((figures) => windows.push(figures));
    lag.close();
    await sleep(200);
    expect(windows).toEqual([]);
    // closing twice is harmless
    lag.close();
  });
});
