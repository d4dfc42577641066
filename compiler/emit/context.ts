import { Code, code, ident } from '../codegen/code.js';
import type { Num } from '../expr/types.js';

/** A rolling series the strategy function computes once, before its bar loop. */
export interface RollingRequest {
  readonly kind: 'mean' | 'min' | 'max' | 'percentile';
  readonly of: Num;
  readonly window: number;
  readonly q?: number;
  readonly minCount?: number;
}

/**
 * What a condition emitter may ask while writing code for one bar: reads of a
 * column some bars back, and the bar index test that guards those reads. A
 * context can be shifted back (quantifiers over lags) and can stand for the
 * bar loop (`i`) or a prepass loop (`j`).
 */
export class EmitContext {
  constructor(
    private readonly scope: FunctionScope,
    private readonly index: string,
    private readonly shiftBy: number,
  ) {}

  /** `name[i - lag]`, counted from the bar this context evaluates. */
  col(name: string, lag = 0): Code {
    const column = this.scope.useColumn(name);
    const back = lag + this.shiftBy;
    return back === 0 ? code`${column}[${ident(this.index)}]` : code`${column}[${ident(this.index)} - ${back}]`;
  }

  /** A precomputed series read `lag` bars back. */
  series(variable: Code, lag = 0): Code {
    const back = lag + this.shiftBy;
    return back === 0 ? code`${variable}[${ident(this.index)}]` : code`${variable}[${ident(this.index)} - ${back}]`;
  }

  /** True when the evaluated bar has at least `k` bars before it. */
  barsAtLeast(k: number): Code {
    const needed = k + this.shiftBy;
    return needed <= 0 ? new Code('true') : code`${ident(this.index)} >= ${needed}`;
  }

  shift(lags: number): EmitContext {
    return new EmitContext(this.scope, this.index, this.shiftBy + lags);
  }

  rolling(request: RollingRequest): Code {
    return this.scope.useRolling(request);
  }
}

/** Collects what one generated function reads, to write its prologue. */
export class FunctionScope {
  readonly columns = new Set<string>();
  readonly rollings: { variable: Code; request: RollingRequest; key: string }[] = [];

  constructor(private readonly canonical: (name: string) => string) {}

  useColumn(name: string): Code {
    const canonical = this.canonical(name);
    this.columns.add(canonical);
    return ident(canonical);
  }

  useRolling(request: RollingRequest): Code {
    const key = JSON.stringify(request);
    const known = this.rollings.find((r) => r.key === key);
    if (known) return known.variable;
    const variable = ident(`rolling${this.rollings.length}`);
    this.rollings.push({ variable, request, key });
    return variable;
  }

  context(index = 'i'): EmitContext {
    return new EmitContext(this, index, 0);
  }
}
