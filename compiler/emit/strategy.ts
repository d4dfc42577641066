import { Code, code, ident } from '../codegen/code.js';
import type { Condition } from '../conditions/definition.js';
import { conditions } from '../conditions/index.js';
import { emitNum } from '../expr/emit.js';
import { numLag } from '../expr/walk.js';
import { canonical } from '../registry/columns.js';
import type { Strategy } from '../registry/schema.js';
import type { Side } from '../registry/validate.js';
import { FunctionScope, type RollingRequest } from './context.js';
import { type KernelTable, shapeOf } from './kernels.js';

/** The runtime's rolling-window kernels, which strategy functions call by name. */
export const ROLLING_KERNELS = ['rollingMean', 'rollingMin', 'rollingMax', 'rollingPercentile'] as const;
export type RollingKernel = (typeof ROLLING_KERNELS)[number];

export interface EmittedFunction {
  readonly name: string;
  readonly doc: string;
  readonly body: string;
  readonly columns: ReadonlySet<string>;
  /** Runtime rolling kernels and generated kernels it calls. */
  readonly rolling: ReadonlySet<RollingKernel>;
  readonly kernels: ReadonlySet<string>;
}

const SIDE_TEXT: Record<Side, { all: boolean; what: string }> = {
  entry_long: { all: true, what: 'long entry signal: every condition holds' },
  entry_short: { all: true, what: 'short entry signal: every condition holds' },
  exit_long: { all: false, what: 'long exit signal: any condition holds' },
  exit_short: { all: false, what: 'short exit signal: any condition holds' },
};

/**
 * One strategy side as a function filling a 0/1 mask over all bars: one
 * kernel call per condition, the first setting the mask and the others
 * narrowing it (every condition) or widening it (any condition). The
 * conditions are pure functions of the bar index, so the engine evaluates
 * them once per series and shares the masks across risk profiles.
 */
export function emitSide(strategy: Strategy, side: Side, kernels: KernelTable): EmittedFunction {
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
  const none = { columns: new Set<string>(), rolling: new Set<RollingKernel>(), kernels: new Set<string>() };
  if (disabled || parts.length === 0) return { name, doc: doc.join('\n'), body: 'out.fill(0);', ...none };
  const used = { rolling: new Set<RollingKernel>(), kernels: new Set<string>() };
  const rollingLines = scope.rollings.map(({ variable, request }) => rollingPrologue(variable, request, scope, kernels, used));
  const reads = new Set([...scope.columns, ...scope.rollings.map((r) => r.variable.text)]);
  const calls = parts.map((p, k) => {
    const mode = k === 0 ? 'set' : SIDE_TEXT[side].all ? 'and' : 'or';
    const { name, call } = kernels.maskCall(p.type, shapeOf(p.code, reads), mode);
    used.kernels.add(name);
    return `/* ${p.type} */ ${call.text}`;
  });
  const lines: string[] = [];
  const columns = [...scope.columns].sort();
  if (columns.length > 0) lines.push(`const { ${columns.join(', ')} } = s.columns;`);
  lines.push('const n = s.length;', ...rollingLines.flat(), ...calls);
  return { name, doc: doc.join('\n'), body: lines.join('\n'), columns: scope.columns, ...used };
}

const ROLLING_KERNEL: Record<RollingRequest['kind'], RollingKernel> = {
  mean: 'rollingMean',
  min: 'rollingMin',
  max: 'rollingMax',
  percentile: 'rollingPercentile',
};

/** The lines computing one rolling series before the conditions. */
function rollingPrologue(
  variable: Code,
  request: RollingRequest,
  scope: FunctionScope,
  kernels: KernelTable,
  used: { rolling: Set<RollingKernel>; kernels: Set<string> },
): string[] {
  const kernel = ident(ROLLING_KERNEL[request.kind]);
  used.rolling.add(ROLLING_KERNEL[request.kind]);
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
    const reads = new Set([...scope.columns, ...scope.rollings.map((r) => r.variable.text)]);
    const { name, call } = kernels.seriesCall(shapeOf(guarded, reads), input);
    used.kernels.add(name);
    lines.push(code`const ${input} = new Float64Array(n);`.text, call.text);
  }
  const extra = request.kind === 'percentile' ? code`, ${request.q ?? 0}, ${request.minCount ?? 0}` : new Code('');
  lines.push(code`const ${variable} = ${kernel}(${input}, ${request.window}${extra});`.text);
  return lines;
}

/** JSON inside a block comment must not close it. */
export function commentSafe(text: string): string {
  return text.replaceAll('*/', '*\\/');
}
