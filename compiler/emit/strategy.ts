import { COMMA, type Code, type Name, code, comment, commentSafe, importsOf, join, lines } from '../codegen/code.js';
import type { Condition } from '../conditions/definition.js';
import { conditions } from '../conditions/index.js';
import { canonical } from '../registry/columns.js';
import type { Strategy } from '../registry/schema.js';
import type { Side } from '../registry/validate.js';
import { type Declaration, FunctionScope, ROLLING_MODULE } from './context.js';
import { KERNELS_MODULE, type KernelTable, shapeOf } from './kernels.js';

export { commentSafe };

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
  /** Everything it imports, by module (a path from the project root; see `Name.from`). */
  readonly imports: ReadonlyMap<string, string[]>;
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
  const ctx = scope.context();
  const parts = list.map((c) => ({ type: c.type, code: conditions.emit(c, ctx) }));
  const never = SIDE_TEXT[side].all ? list.map((c) => conditions.never(c)).find((r) => r !== undefined) : undefined;
  const doc = [
    `${SIDE_TEXT[side].what}.`,
    disabled ? `Direction ${strategy.direction}: never consulted, so never true.` : '',
    !disabled && never !== undefined ? `Can never be true on valid bars: ${never}.` : '',
    `${side}: ${commentSafe(JSON.stringify(list))}`,
  ].filter((l) => l !== '');
  if (disabled || parts.length === 0) return described(name, doc, code`out.fill(0);`, new Set());
  const isSeries = scope.isSeries.bind(scope);
  // every series kernel first, in declaration order, then the conditions' mask kernels
  const declarations = scope.declarations.flatMap((d) => declare(d, kernels, isSeries));
  const calls = parts.map((p, k) => {
    const mode = k === 0 ? 'set' : SIDE_TEXT[side].all ? 'and' : 'or';
    const { call } = kernels.maskCall(p.type, shapeOf(p.code, isSeries), mode);
    return code`${comment(p.type)} ${call}`;
  });
  const columns = scope.columnNames().map((c) => code`${c}`);
  const unpack = columns.length > 0 ? [code`const { ${join(columns, COMMA)} } = s.columns;`] : [];
  const body = lines([...unpack, code`const n = s.length;`, ...declarations, ...calls]);
  return described(name, doc, body, scope.columns);
}

function described(name: string, doc: readonly string[], body: Code, columns: ReadonlySet<string>): EmittedFunction {
  const imports = importsOf(body.names);
  const rolling = new Set(imports.get(ROLLING_MODULE));
  return {
    name,
    doc: doc.join('\n'),
    body: body.text,
    columns,
    rolling: new Set(ROLLING_KERNELS.filter((k) => rolling.has(k))),
    kernels: new Set(imports.get(KERNELS_MODULE)),
    imports,
  };
}

/** The statements computing one declaration before the conditions. */
function declare(d: Declaration, kernels: KernelTable, isSeries: (name: Name) => boolean): Code[] {
  if (d.kind === 'series') {
    const { call } = kernels.seriesCall(shapeOf(d.value, isSeries), d.target);
    return [code`const ${d.target} = new Float64Array(n);`, call];
  }
  const args = join([code`${d.input}`, ...d.args.map((a) => code`${a}`)], COMMA);
  return [code`const ${d.target} = ${d.kernel}(${args});`];
}

