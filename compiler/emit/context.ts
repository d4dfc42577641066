import { type Code, Name, TRUE, code } from '../codegen/code.js';
import { emitNum, rollingRequest } from '../expr/emit.js';
import type { Num } from '../expr/types.js';
import { numLag } from '../expr/walk.js';
import { BAR, PREPASS } from './kernels.js';

/** A rolling series the strategy function computes once, before its bar loop. */
export interface RollingRequest {
  readonly kind: 'mean' | 'min' | 'max' | 'percentile';
  readonly of: Num;
  readonly window: number;
  readonly q?: number;
  readonly minCount?: number;
}

export const ROLLING_MODULE = 'runtime/kernels/rolling.js';

/** The runtime's rolling-window kernels, by the kind of window. */
export const ROLLING_KERNEL = {
  mean: new Name('rollingMean', ROLLING_MODULE),
  min: new Name('rollingMin', ROLLING_MODULE),
  max: new Name('rollingMax', ROLLING_MODULE),
  percentile: new Name('rollingPercentile', ROLLING_MODULE),
} as const satisfies Record<RollingRequest['kind'], Name>;

/**
 * A constant of the generated function, computed before the conditions:
 * an expression's value at every bar (`series`, by a series kernel) or a
 * rolling window over a column or such a series (`rolling`).
 */
export type Declaration =
  | { readonly kind: 'series'; readonly target: Name; readonly value: Code }
  | { readonly kind: 'rolling'; readonly target: Name; readonly kernel: Name; readonly input: Name; readonly args: readonly number[] };

/**
 * What a condition emitter may ask while writing code for one bar: reads of a
 * column some bars back, and the bar index test that guards those reads. A
 * context can be shifted back (quantifiers over lags) and can stand for the
 * bar loop (`i`) or a prepass loop (`j`).
 */
export class EmitContext {
  constructor(
    private readonly scope: FunctionScope,
    private readonly index: Name,
    private readonly shiftBy: number,
  ) {}

  /** `name[i - lag]`, counted from the bar this context evaluates. */
  col(name: string, lag = 0): Code {
    return this.series(this.scope.useColumn(name), lag);
  }

  /** A precomputed series read `lag` bars back. */
  series(variable: Name, lag = 0): Code {
    const back = lag + this.shiftBy;
    return back === 0 ? code`${variable}[${this.index}]` : code`${variable}[${this.index} - ${back}]`;
  }

  /** True when the evaluated bar has at least `k` bars before it. */
  barsAtLeast(k: number): Code {
    const needed = k + this.shiftBy;
    return needed <= 0 ? TRUE : code`${this.index} >= ${needed}`;
  }

  shift(lags: number): EmitContext {
    return new EmitContext(this.scope, this.index, this.shiftBy + lags);
  }

  rolling(request: RollingRequest): Name {
    return this.scope.useRolling(request);
  }
}

/**
 * What one generated function reads: its columns, and its declarations in
 * the order they must run. A declaration is made when first needed, after
 * the ones it depends on (a rolling window over an expression that reads
 * another rolling window declares that one first).
 */
export class FunctionScope {
  private readonly columnByName = new Map<string, Name>();
  private readonly rollingNames = new Map<string, Name>();
  private readonly list: Declaration[] = [];
  private readonly series = new Set<Name>();

  constructor(private readonly canonical: (name: string) => string) {}

  /** The columns read, by canonical name. */
  get columns(): ReadonlySet<string> {
    return new Set(this.columnByName.keys());
  }

  /** The names of the columns read, sorted. */
  columnNames(): Name[] {
    return [...this.columnByName.keys()].sort().map((c) => this.columnByName.get(c)!);
  }

  /** The declarations, each after the ones it reads. */
  get declarations(): readonly Declaration[] {
    return this.list;
  }

  /** Whether `name` is one of the function's whole series (a column or a declaration), which kernels take as parameters. */
  isSeries(name: Name): boolean {
    return this.series.has(name);
  }

  useColumn(name: string): Name {
    const canonical = this.canonical(name);
    let known = this.columnByName.get(canonical);
    if (!known) {
      known = new Name(canonical);
      this.columnByName.set(canonical, known);
      this.series.add(known);
    }
    return known;
  }

  useRolling(request: RollingRequest): Name {
    const key = JSON.stringify(request);
    const known = this.rollingNames.get(key);
    if (known) return known;
    // a whole series is the input as it is; any other expression is
    // evaluated at every bar first, after what it reads is declared (bars
    // where it would read before the first bar hold NaN)
    const of = this.wholeSeries(request.of) ?? this.inputValue(request.of);
    const target = this.declare(`rolling${this.rollingNames.size}`);
    this.rollingNames.set(key, target);
    let input: Name;
    if (of instanceof Name) {
      input = of;
    } else {
      input = this.declare(`${target.str}Input`);
      this.list.push({ kind: 'series', target: input, value: of });
    }
    const args = request.kind === 'percentile' ? [request.window, request.q ?? 0, request.minCount ?? 0] : [request.window];
    this.list.push({ kind: 'rolling', target, kernel: ROLLING_KERNEL[request.kind], input, args });
    return target;
  }

  context(index: Name = BAR): EmitContext {
    return new EmitContext(this, index, 0);
  }

  /** The column or rolling series a number is at every bar (read with no lag), if it is one. */
  private wholeSeries(num: Num): Name | undefined {
    if (typeof num === 'string') return this.useColumn(num);
    if (typeof num !== 'object') return undefined;
    if ('col' in num && num.lag === 0) return this.useColumn(num.col);
    if ('rolling' in num && num.lag === 0) return this.useRolling(rollingRequest(num));
    return undefined;
  }

  private inputValue(of: Num): Code {
    const lag = numLag(of);
    const value = emitNum(of, this.context(PREPASS));
    return lag === 0 ? value : code`${PREPASS} >= ${lag} ? ${value} : Number.NaN`;
  }

  private declare(name: string): Name {
    const declared = new Name(name);
    this.series.add(declared);
    return declared;
  }
}
