/** How the page writes numbers, times and text. */

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function pct(v: number | null, digits = 2): string {
  return v === null || !Number.isFinite(v) ? '' : `${(v * 100).toFixed(digits)}%`;
}

export function num(v: number | null, digits: number): string {
  return v === null || !Number.isFinite(v) ? '' : v.toFixed(digits);
}

/** A price with enough digits for its size. */
export function price(v: number): string {
  const a = Math.abs(v);
  return v.toFixed(a >= 1000 ? 2 : a >= 1 ? 4 : 6);
}

/** UTC, minutes: "2020-01-20 15:45". */
export function utc(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '';
}

export function day(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 10);
}

/** A diverging colour for a return: green above zero, red below, stronger towards `scale`. */
export function returnColour(v: number, scale: number, alpha = 0.55): string {
  const t = Math.min(1, Math.abs(v) / (scale || 1));
  return v >= 0 ? `rgba(38,162,105,${(t * alpha).toFixed(3)})` : `rgba(229,83,75,${(t * alpha).toFixed(3)})`;
}

/** The value at quantile q of the finite absolute values (a colour scale's end, robust to outliers). */
export function absQuantile(values: readonly (number | null)[], q: number): number {
  const a = values.filter((v): v is number => v !== null && Number.isFinite(v)).map(Math.abs).sort((x, y) => x - y);
  return a.length === 0 ? 1 : a[Math.min(a.length - 1, Math.floor(q * a.length))]! || 1;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export const PALETTE = ['#4ea1ff', '#f5a524', '#c678dd', '#2bd4bd', '#ff7b72', '#a3d977', '#e6c07b', '#79c0ff', '#d2a8ff', '#ffa657', '#56d364', '#ff9bce'];
