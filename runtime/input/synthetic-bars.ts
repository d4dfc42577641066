import { type Bars, allocateBars } from '../series/bars.js';
import { mulberry32 as random } from './random.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Bars per weekday session (14:30-21:00 UTC) and their spacing. */
const SESSIONS: Readonly<Record<string, { minutes: number; perDay: number; firstMinute: number }>> = {
  '15Min': { minutes: 15, perDay: 26, firstMinute: 14 * 60 + 30 },
  '1Hour': { minutes: 60, perDay: 7, firstMinute: 14 * 60 + 30 },
  '1Day': { minutes: 1440, perDay: 1, firstMinute: 5 * 60 },
};

export const SYNTHETIC_TIMEFRAMES = Object.keys(SESSIONS);


/**
 * A random walk with regimes of trend and volatility, weekday sessions and
 * overnight gaps: enough variety for every strategy to find signals.
 * Prices have four decimals, like the parity fixtures.
 */
export function syntheticBars(timeframe: string, count: number, seed = 1, startPrice = 50, start = Date.UTC(2020, 0, 6)): Bars {
  const session = SESSIONS[timeframe];
  if (!session) throw new Error(`no synthetic session for timeframe ${timeframe} (known: ${SYNTHETIC_TIMEFRAMES.join(', ')})`);
  const rand = random(seed * 7919 + count);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const bars = allocateBars(count);
  const round = (x: number): number => Math.round(x * 10_000) / 10_000;
  let day = start;
  let slot = 0;
  let price = startPrice;
  let drift = 0;
  let vol = 0.004 * Math.sqrt(session.minutes / 15);
  for (let i = 0; i < count; i++) {
    while (new Date(day).getUTCDay() === 0 || new Date(day).getUTCDay() === 6) day += DAY;
    bars.time[i] = day + (session.firstMinute + slot * session.minutes) * MINUTE;
    if (rand() < 0.02) drift = (rand() - 0.5) * vol * 0.6;
    if (rand() < 0.02) vol = 0.004 * Math.sqrt(session.minutes / 15) * (0.5 + rand() * 1.5);
    const gap = slot === 0 ? gauss() * vol * 1.5 : 0;
    const open = round(Math.max(1, price * (1 + gap)));
    const close = round(Math.max(1, open * (1 + drift + gauss() * vol)));
    const high = round(Math.max(open, close) * (1 + Math.abs(gauss()) * vol * 0.6));
    const low = round(Math.max(0.5, Math.min(open, close) * (1 - Math.abs(gauss()) * vol * 0.6)));
    bars.open[i] = open;
    bars.high[i] = high;
    bars.low[i] = low;
    bars.close[i] = close;
    bars.volume[i] = Math.round(300_000 + 400_000 * rand() + (rand() < 0.05 ? 1_500_000 * rand() : 0));
    price = close;
    if (++slot === session.perDay) {
      slot = 0;
      day += DAY;
    }
  }
  return bars;
}
