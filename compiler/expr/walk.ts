import type { Num } from './types.js';

/** How many bars back from the evaluated bar a number expression reads. */
export function numLag(num: Num): number {
  if (typeof num === 'number' || typeof num === 'string') return 0;
  if ('col' in num) return num.lag;
  // a rolling series is computed over the whole history before the bar loop,
  // so at the bar it is a single read `lag` bars back
  if ('rolling' in num) return num.lag;
  return Math.max(...num.args.map(numLag));
}

/** Every column a number expression reads, rolling inputs included. */
export function numColumns(num: Num): string[] {
  if (typeof num === 'number') return [];
  if (typeof num === 'string') return [num];
  if ('col' in num) return [num.col];
  if ('rolling' in num) return numColumns(num.of);
  return num.args.flatMap(numColumns);
}

/** A plain column read (no arithmetic), with its lag. */
export function plainColumn(num: Num): { col: string; lag: number } | undefined {
  if (typeof num === 'string') return { col: num, lag: 0 };
  if (typeof num === 'object' && 'col' in num) return { col: num.col, lag: num.lag };
  return undefined;
}
