/**
 * The structured code of compiler/codegen: code is items (trusted fragments,
 * names, numbers) until printed, and what the emitter needs to know (names
 * used, imports, constants, a kernel's parameters) comes from the items, not
 * from reading the printed text back.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FALSE, Name, TRUE, and, array, code, comment, importsOf, join as joinCode, or, substitute } from '../../compiler/codegen/code.js';
import { FunctionScope } from '../../compiler/emit/context.js';
import { shapeOf } from '../../compiler/emit/kernels.js';
import { ROOT } from '../support/cli.js';

describe('the code template', () => {
  it('keeps names and numbers as items, and prints them only when asked', () => {
    const close = new Name('close');
    const c = code`${close}[i - ${2}] > ${-1.5}`;
    expect(c.items).toEqual([close, '[i - ', 2, '] > ', -1.5]);
    expect(c.text).toBe('close[i - 2] > (-1.5)');
    expect(c.names).toEqual([close]);
  });

  it('quotes strings, so registry text cannot become code', () => {
    const hostile = "x'); process.exit(1); ('";
    expect(code`f(${hostile})`.text).toBe("f('x\\'); process.exit(1); (\\'')");
    expect(comment('a */ b').text).toBe('/* a *\\/ b */');
    expect(array(['a', 1, true]).text).toBe("['a', 1, true]");
  });

  it('prints every double exactly', () => {
    expect(code`${Number.NaN} ${Infinity} ${-Infinity} ${-0} ${0.1 + 0.2} ${1e21}`.text).toBe(
      'Number.NaN Infinity (-Infinity) (-0) 0.30000000000000004 1e+21',
    );
  });

  it('splices interpolated code, whose items stay structured', () => {
    const a = new Name('a');
    const inner = code`${a} + ${1}`;
    expect(code`(${inner}) * ${2}`.items).toEqual(['(', a, ' + ', 1, ') * ', 2]);
    expect(joinCode([code`${a}`, code`${3}`], code`, `).items).toEqual([a, ', ', 3]);
  });

  it('knows a number by its item', () => {
    expect(code`${4}`.number).toBe(4);
    expect(code`(${4})`.number).toBeUndefined();
    expect(code`${new Name('x')}`.number).toBeUndefined();
  });

  it('rejects a name that is not an identifier', () => {
    expect(() => new Name('a-b')).toThrow(/not an identifier/);
    expect(() => new Name('x; y')).toThrow(/not an identifier/);
  });
});

describe('and / or', () => {
  const [p, q, r] = ['p', 'q', 'r'].map((n) => code`${new Name(n)}`) as [ReturnType<typeof code>, ReturnType<typeof code>, ReturnType<typeof code>];

  it('drop constant parts that change nothing and flatten their own kind', () => {
    expect(and([TRUE, p, and([q, r])]).text).toBe('(p && q && r)');
    expect(or([FALSE, p, or([q, r])]).text).toBe('(p || q || r)');
    expect(and([p, or([q, r])]).text).toBe('(p && (q || r))');
    expect(and([TRUE, p])).toBe(p);
  });

  it('give the absorbing constant when a part is one, and the neutral one when empty', () => {
    expect(and([p, FALSE])).toBe(FALSE);
    expect(or([p, TRUE])).toBe(TRUE);
    expect(and([])).toBe(TRUE);
    expect(or([])).toBe(FALSE);
  });

  it('tell constants by their form, not by their text', () => {
    expect(and([code`true`, p]).text).toBe('(true && p)');
  });
});

describe('names', () => {
  it('carry the module they come from, so imports follow from the names used', () => {
    const max = new Name('rollingMax', 'runtime/kernels/rolling.js');
    const mean = new Name('rollingMean', 'runtime/kernels/rolling.js');
    const kernel = new Name('above_1', 'generated/kernels.js');
    const c = code`${max}(${mean}(x)); ${kernel}(${new Name('out')}); ${max}(y)`;
    expect(importsOf(c.names)).toEqual(
      new Map([
        ['generated/kernels.js', ['above_1']],
        ['runtime/kernels/rolling.js', ['rollingMax', 'rollingMean']],
      ]),
    );
  });

  it('can be substituted, as kernels lift their parameters', () => {
    const x = new Name('x');
    const c = code`${x}[i] > ${3} && ${new Name('y')}[i] > ${x}[i]`;
    expect(substitute(c, { name: (n) => (n === x ? code`c0` : undefined), number: (v) => code`k${v}` }).text).toBe('c0[i] > k3 && y[i] > c0[i]');
  });
});

describe('kernel shapes', () => {
  it('lift the series names and the finite numbers, each once, in order of first use', () => {
    const scope = new FunctionScope((name) => name);
    const ctx = scope.context();
    const expr = and([ctx.barsAtLeast(1), code`${ctx.col('close', 1)} > ${ctx.col('open')} + ${-1} * ${ctx.col('close')}`, code`Math.abs(${Number.NaN}) < ${1}`]);
    const shape = shapeOf(expr, (n) => scope.isSeries(n));
    expect(shape.text).toBe('(i >= k0 && c0[i - k0] > c1[i] + (-k0) * c0[i] && Math.abs(Number.NaN) < k0)');
    expect(shape.columns.map((n) => n.str)).toEqual(['close', 'open']);
    expect(shape.numbers).toEqual([1]);
  });
});

describe('declarations', () => {
  it('come when first needed, each after what it reads', () => {
    const scope = new FunctionScope((name) => name);
    const inner = { rolling: 'mean', of: 'close', window: 3, lag: 1 } as const;
    const outer = scope.useRolling({ kind: 'max', of: { op: 'sub', args: [inner, 'low'] }, window: 4 });
    expect(outer.str).toBe('rolling1');
    expect(scope.declarations.map((d) => [d.kind, d.target.str])).toEqual([
      ['rolling', 'rolling0'],
      ['series', 'rolling1Input'],
      ['rolling', 'rolling1'],
    ]);
    expect([...scope.columns].sort()).toEqual(['close', 'low']);
    // asking again gives the same series, declared once
    expect(scope.useRolling({ kind: 'max', of: { op: 'sub', args: [inner, 'low'] }, window: 4 })).toBe(outer);
    expect(scope.declarations).toHaveLength(3);
  });
});

describe('safe by construction', () => {
  const ALLOWED = new Set<string>();

  it('builds Code only in compiler/codegen', () => {
    const dir = join(ROOT, 'compiler');
    const offenders = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.startsWith('codegen'))
      .map((path) => relative(dir, join(dir, path)).split('\\').join('/'))
      .filter((path) => !ALLOWED.has(path) && /\bnew Code\(/.test(readFileSync(join(dir, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
