import { Code, ident, numberLiteral } from '../codegen/code.js';

/**
 * Shared column kernels. Every condition becomes a loop over all bars, and
 * most conditions of the registry have the same shape with other columns
 * and numbers (465 conditions, under 90 shapes). Each shape is emitted once,
 * with its columns and numbers as parameters, and the strategy functions
 * become straight-line calls into these kernels. A worker then runs a few
 * dozen hot loops that V8 optimises once, instead of some 400 strategy
 * loops that each cost an optimising compile (or a slow interpreted pass)
 * in a short-lived process.
 */

/** A per-bar expression with its columns and numbers taken out as parameters. */
export interface Shape {
  /** The expression over c0.., k0.. and the bar index. */
  readonly text: string;
  /** Arguments for c0, c1, ...: the names the strategy function has in scope. */
  readonly columns: readonly string[];
  /** Arguments for k0, k1, ...: the numbers as the code had them. */
  readonly numbers: readonly number[];
}

const TOKEN = /[A-Za-z_$][\w$]*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\s+|./g;

/**
 * Lifts the column reads (names in `columns`) and the numeric literals out
 * of `code`. Each distinct name or number becomes one parameter, in order of
 * first appearance, so equal shapes give equal text. Property names after a
 * dot (`Number.isFinite`) and other identifiers stay as they are.
 */
export function shapeOf(code: Code, columns: ReadonlySet<string>): Shape {
  const names: string[] = [];
  const numbers: number[] = [];
  let previous = '';
  let text = '';
  for (const token of code.text.match(TOKEN) ?? []) {
    let out = token;
    if (/^\d/.test(token)) {
      const value = Number(token);
      let k = numbers.indexOf(value);
      if (k < 0) k = numbers.push(value) - 1;
      out = `k${k}`;
    } else if (previous !== '.' && columns.has(token)) {
      let k = names.indexOf(token);
      if (k < 0) k = names.push(token) - 1;
      out = `c${k}`;
    }
    if (!/^\s+$/.test(token)) previous = token;
    text += out;
  }
  return { text, columns: names, numbers };
}

/** What a mask kernel does with the bars already in its output. */
export const MASK_MODES = { set: 0, and: 1, or: 2 } as const;
export type MaskMode = keyof typeof MASK_MODES;

/** A statement calling a kernel, and the kernel's name (for the caller's imports). */
export interface KernelCall {
  readonly name: string;
  readonly call: Code;
}

interface KernelEntry {
  readonly name: string;
  readonly kind: 'mask' | 'series';
  readonly shape: Shape;
  readonly what: string;
}

/** The kernels of one compilation, named by the condition type that first needs each shape. */
export class KernelTable {
  private readonly byText = new Map<string, KernelEntry>();
  private readonly perName = new Map<string, number>();

  /** A call filling `out` with the condition's 0/1 per bar, combined with `mode`; `name` is the kernel it calls. */
  maskCall(what: string, shape: Shape, mode: MaskMode): KernelCall {
    const { name } = this.entry('mask', what, shape);
    return { name, call: new Code(`${name}(out, ${MASK_MODES[mode]}, n${this.arguments(shape)});`) };
  }

  /** A call filling the Float64Array `target` with an expression's value per bar. */
  seriesCall(shape: Shape, target: Code): KernelCall {
    const { name } = this.entry('series', 'series', shape);
    return { name, call: new Code(`${name}(${target.text}, n${this.arguments(shape)});`) };
  }

  /** The kernels module: one exported function per shape, in first-use order. */
  functions(): { name: string; doc: string; parameters: { name: string; type: string }[]; body: string }[] {
    return [...this.byText.values()].map((entry) => {
      const { shape } = entry;
      const columns = shape.columns.map((_, k) => ({ name: `c${k}`, type: 'Float64Array' }));
      const numbers = shape.numbers.map((_, k) => ({ name: `k${k}`, type: 'number' }));
      if (entry.kind === 'series') {
        return {
          name: entry.name,
          doc: `out[j] = ${shape.text}`,
          parameters: [{ name: 'out', type: 'Float64Array' }, { name: 'n', type: 'number' }, ...columns, ...numbers],
          body: `for (let j = 0; j < n; j++) out[j] = ${shape.text};`,
        };
      }
      return {
        name: entry.name,
        doc: `${entry.what}: ${shape.text}`,
        parameters: [
          { name: 'out', type: 'Uint8Array' },
          { name: 'mode', type: 'number' },
          { name: 'n', type: 'number' },
          ...columns,
          ...numbers,
        ],
        body: [
          `// and: only bars still 1 are evaluated; or: only bars still 0; set: every bar`,
          `const settled = mode === ${MASK_MODES.and} ? 0 : mode === ${MASK_MODES.or} ? 1 : -1;`,
          `for (let i = 0; i < n; i++) {`,
          `  if (out[i] === settled) continue;`,
          `  out[i] = ${shape.text} ? 1 : 0;`,
          `}`,
        ].join('\n'),
      };
    });
  }

  private entry(kind: KernelEntry['kind'], what: string, shape: Shape): KernelEntry {
    const key = `${kind}:${shape.text}`;
    const known = this.byText.get(key);
    if (known) return known;
    const count = (this.perName.get(what) ?? 0) + 1;
    this.perName.set(what, count);
    const entry: KernelEntry = { name: ident(`${what}_${count}`).text, kind, shape, what };
    this.byText.set(key, entry);
    return entry;
  }

  private arguments(shape: Shape): string {
    const values = [...shape.columns.map((c) => ident(c).text), ...shape.numbers.map(numberLiteral)];
    return values.map((v) => `, ${v}`).join('');
  }
}
