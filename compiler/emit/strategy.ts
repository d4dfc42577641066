import { Code, code, ident } from '../codegen/code.js';
import type { Condition } from '../conditions/definition.js';
import { conditions } from '../conditions/index.js';
import { emitNum } from '../expr/emit.js';
import { numLag } from '../expr/walk.js';
import { canonical } from '../registry/columns.js';
import type { Strategy } from '../registry/schema.js';
import type { Side } from '../registry/validate.js';
import { FunctionScope, type RollingRequest } from './context.js';

/** The runtime kernels a generated function may call, by the name it uses. */
export const KERNELS = {
  pyMax: 'python',
  pyMin: 'python',
  rollingMean: 'rolling',
  rollingMin: 'rolling',
  rollingMax: 'rolling',
  rollingPercentile: 'rolling',
} as const;
export type Kernel = keyof typeof KERNELS;

export interface EmittedFunction {
  readonly name: string;
  readonly doc: string;
  readonly body: string;
  readonly columns: ReadonlySet<string>;
  readonly kernels: ReadonlySet<Kernel>;
}

const SIDE_TEXT: Record<Side, { all: boolean; what: string }> = {
  entry_long: { all: true, what: 'long entry signal: every condition holds' },
  entry_short: { all: true, what: 'short entry signal: every condition holds' },
  exit_long: { all: false, what: 'long exit signal: any condition holds' },
  exit_short: { all: false, what: 'short exit signal: any condition holds' },
};

/**
 * One strategy side as a function filling a 0/1 mask over all bars. The
 * conditions are pure functions of the bar index, so the engine evaluates
 * them once per series and shares the masks across risk profiles.
 */
export function emitSide(strategy: Strategy, side: Side): EmittedFunction {
  const name = `${strategy.name}_${side}`;
  const list = strategy[side] as Condition[];
  const disabled =
    (side === 'entry_long' && strategy.direction === 'short_only') ||
    (side === 'entry_short' && strategy.direction === 'long_only');
  const scope = new FunctionScope(canonical);
  const ctx = scope.context('i');
  const parts = list.map((c) => ({ type: c.type, code: conditions.emit(c, ctx) }));
  const never = SIDE_TEXT[side].all ? list.map((c) => conditions.never(c)).find((r) => r !== undefined) : undefined;
  const doc = [
    `${SIDE_TEXT[side].what}.`,
    disabled ? `Direction ${strategy.direction}: never consulted, so never true.` : '',
    !disabled && never !== undefined ? `Can never be true on valid bars: ${never}.` : '',
    `${side}: ${commentSafe(JSON.stringify(list))}`,
  ].filter((l) => l !== '');
  if (disabled || parts.length === 0) {
    return { name, doc: doc.join('\n'), body: 'out.fill(0);', columns: new Set(), kernels: new Set() };
  }
  const joiner = SIDE_TEXT[side].all ? ' &&' : ' ||';
  const lines: string[] = [];
  const kernels = new Set<Kernel>();
  const rollingLines = scope.rollings.map(({ variable, request }) => rollingPrologue(variable, request, scope, kernels));
  const body = parts.map((p, k) => `      /* ${p.type} */ ${p.code.text}${k < parts.length - 1 ? joiner : ''}`);
  const columns = [...scope.columns].sort();
  if (columns.length > 0) lines.push(`const { ${columns.join(', ')} } = s.columns;`);
  lines.push('const n = s.length;');
  lines.push(...rollingLines.flat());
  lines.push('for (let i = 0; i < n; i++) {', '  out[i] =', ...body, '      ? 1', '      : 0;', '}');
  for (const kernel of Object.keys(KERNELS) as Kernel[]) {
    if (lines.some((l) => l.includes(`${kernel}(`))) kernels.add(kernel);
  }
  return { name, doc: doc.join('\n'), body: lines.join('\n'), columns: scope.columns, kernels };
}

const ROLLING_KERNEL: Record<RollingRequest['kind'], Kernel> = {
  mean: 'rollingMean',
  min: 'rollingMin',
  max: 'rollingMax',
  percentile: 'rollingPercentile',
};

/** The lines computing one rolling series before the bar loop. */
function rollingPrologue(variable: Code, request: RollingRequest, scope: FunctionScope, kernels: Set<Kernel>): string[] {
  const kernel = ident(ROLLING_KERNEL[request.kind]);
  kernels.add(ROLLING_KERNEL[request.kind]);
  const lines: string[] = [];
  let input: Code;
  if (typeof request.of === 'string') {
    input = scope.useColumn(request.of);
  } else {
    // an expression input is evaluated at every bar first; bars where it
    // would read before the first bar hold NaN
    input = ident(`${variable.text}Input`);
    const lag = numLag(request.of);
    const value = emitNum(request.of, scope.context('j'));
    const guarded = lag === 0 ? value : code`j >= ${lag} ? ${value} : Number.NaN`;
    lines.push(code`const ${input} = new Float64Array(n);`.text, code`for (let j = 0; j < n; j++) ${input}[j] = ${guarded};`.text);
  }
  const extra = request.kind === 'percentile' ? code`, ${request.q ?? 0}, ${request.minCount ?? 0}` : new Code('');
  lines.push(code`const ${variable} = ${kernel}(${input}, ${request.window}${extra});`.text);
  return lines;
}

/** JSON inside a block comment must not close it. */
export function commentSafe(text: string): string {
  return text.replaceAll('*/', '*\\/');
}
