import { COMMA, type Code, Name, code, importsOf, join, substitute } from '../codegen/code.js';

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

/** The module the strategy functions import the kernels from. */
export const KERNELS_MODULE = 'generated/kernels.js';

/** The bar index of a mask kernel's loop, and of a series kernel's (a prepass before the conditions). */
export const BAR = new Name('i');
export const PREPASS = new Name('j');

const OUT = new Name('out');
const N = new Name('n');

/** A per-bar expression with its columns and numbers taken out as parameters. */
export interface Shape {
  /** The expression over c0.., k0.. and the bar index. */
  readonly code: Code;
  /** Its text, which names the shape: equal shapes print equally. */
  readonly text: string;
  /** Arguments for c0, c1, ...: the names the strategy function has in scope. */
  readonly columns: readonly Name[];
  /** Arguments for k0, k1, ...: the numbers as the code had them. */
  readonly numbers: readonly number[];
}

/**
 * Lifts the series reads (the names `isSeries` accepts) and the finite
 * numbers out of `expr`. Each distinct name or number becomes one parameter,
 * in order of first appearance, so equal shapes give equal code. A negative
 * number is the negation of its magnitude's parameter, so `x > -2` and
 * `x > 2` share a shape's parameters where their magnitudes agree.
 */
export function shapeOf(expr: Code, isSeries: (name: Name) => boolean): Shape {
  const columns: Name[] = [];
  const numbers: number[] = [];
  const parameter = <T>(list: T[], value: T, prefix: string) => {
    let k = list.indexOf(value);
    if (k < 0) k = list.push(value) - 1;
    return new Name(`${prefix}${k}`);
  };
  const lifted = substitute(expr, {
    name: (name) => (isSeries(name) ? code`${parameter(columns, name, 'c')}` : undefined),
    number: (value) => {
      if (!Number.isFinite(value)) return undefined;
      const magnitude = parameter(numbers, Math.abs(value), 'k');
      return value < 0 || Object.is(value, -0) ? code`(-${magnitude})` : code`${magnitude}`;
    },
  });
  return { code: lifted, text: lifted.text, columns, numbers };
}

/** What a mask kernel does with the bars already in its output. */
export const MASK_MODES = { set: 0, and: 1, or: 2 } as const;
export type MaskMode = keyof typeof MASK_MODES;

/** A statement calling a kernel, and the kernel (a name imported from the kernels module). */
export interface KernelCall {
  readonly kernel: Name;
  readonly call: Code;
}

interface KernelEntry {
  readonly name: Name;
  readonly kind: 'mask' | 'series';
  readonly shape: Shape;
  readonly what: string;
}

export interface KernelFunction {
  readonly name: string;
  readonly doc: string;
  readonly parameters: { name: string; type: string }[];
  readonly body: string;
  /** Runtime functions the body calls, by module (see `Name.from`). */
  readonly imports: ReadonlyMap<string, string[]>;
}

/** The kernels of one compilation, named by the condition type that first needs each shape. */
export class KernelTable {
  private readonly byText = new Map<string, KernelEntry>();
  private readonly perName = new Map<string, number>();

  /** A call filling `out` with the condition's 0/1 per bar, combined with `mode`. */
  maskCall(what: string, shape: Shape, mode: MaskMode): KernelCall {
    const { name } = this.entry('mask', what, shape);
    return this.call(name, [OUT, MASK_MODES[mode], N, ...this.arguments(shape)]);
  }

  /** A call filling the Float64Array `target` with an expression's value per bar. */
  seriesCall(shape: Shape, target: Name): KernelCall {
    const { name } = this.entry('series', 'series', shape);
    return this.call(name, [target, N, ...this.arguments(shape)]);
  }

  /** The kernels module: one exported function per shape, in first-use order. */
  functions(): KernelFunction[] {
    return [...this.byText.values()].map(({ name, kind, shape, what }) => {
      const columns = shape.columns.map((_, k) => ({ name: `c${k}`, type: 'Float64Array' }));
      const numbers = shape.numbers.map((_, k) => ({ name: `k${k}`, type: 'number' }));
      const imports = importsOf(shape.code.names);
      if (kind === 'series') {
        return {
          name: name.str,
          doc: `out[j] = ${shape.text}`,
          parameters: [{ name: 'out', type: 'Float64Array' }, { name: 'n', type: 'number' }, ...columns, ...numbers],
          body: code`for (let ${PREPASS} = 0; ${PREPASS} < n; ${PREPASS}++) out[${PREPASS}] = ${shape.code};`.text,
          imports,
        };
      }
      const body = code`// and: only bars still 1 are evaluated; or: only bars still 0; set: every bar
const settled = mode === ${MASK_MODES.and} ? 0 : mode === ${MASK_MODES.or} ? 1 : -1;
for (let ${BAR} = 0; ${BAR} < n; ${BAR}++) {
  if (out[${BAR}] === settled) continue;
  out[${BAR}] = ${shape.code} ? 1 : 0;
}`;
      return {
        name: name.str,
        doc: `${what}: ${shape.text}`,
        parameters: [{ name: 'out', type: 'Uint8Array' }, { name: 'mode', type: 'number' }, { name: 'n', type: 'number' }, ...columns, ...numbers],
        body: body.text,
        imports,
      };
    });
  }

  /** What the kernels module imports from the runtime, by module (from the names the kernels use). */
  imports(): Map<string, string[]> {
    return importsOf([...this.byText.values()].flatMap((entry) => entry.shape.code.names));
  }

  private entry(kind: KernelEntry['kind'], what: string, shape: Shape): KernelEntry {
    const key = `${kind}:${shape.text}`;
    const known = this.byText.get(key);
    if (known) return known;
    const count = (this.perName.get(what) ?? 0) + 1;
    this.perName.set(what, count);
    const entry: KernelEntry = { name: new Name(`${what}_${count}`, KERNELS_MODULE), kind, shape, what };
    this.byText.set(key, entry);
    return entry;
  }

  private call(kernel: Name, args: readonly (Name | number)[]): KernelCall {
    const list = join(args.map((a) => code`${a}`), COMMA);
    return { kernel, call: code`${kernel}(${list});` };
  }

  private arguments(shape: Shape): (Name | number)[] {
    return [...shape.columns, ...shape.numbers];
  }
}
