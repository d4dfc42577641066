/**
 * Every error the registry validation can report: which strategy, where in it,
 * the offending value and a message that says what is wrong. Plus the real
 * strategies.json: it validates, and exactly the structurally impossible
 * strategies are reported as never trading.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RegistryInvalid, compileRegistry } from '../../compiler/compile.js';
import { type RegistryError, formatError, validateRegistry } from '../../compiler/registry/validate.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Json = Record<string, unknown>;

/** A valid strategy; tests break one thing in it. */
function strategy(id: number, name = `strategy_${id}`, overrides: Json = {}): Json {
  return {
    id,
    name,
    display_name: `Strategy ${id}`,
    philosophy: 'A short, valid philosophy.',
    category: 'trend',
    direction: 'long_short',
    tags: ['test'],
    version: 1,
    entry_long: [{ type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_50' }],
    entry_short: [{ type: 'crosses_below', col_a: 'ema_20', col_b: 'ema_50' }],
    exit_long: [{ type: 'below', col: 'close', ref: 'ema_50' }],
    exit_short: [{ type: 'above', col: 'close', ref: 'ema_50' }],
    atr_stop_mult: 2,
    atr_target_mult: null,
    trailing_atr_mult: null,
    time_stop_bars: null,
    required_indicators: ['ema_20', 'ema_50', 'atr_14'],
    details: {},
    ...overrides,
  };
}

/** One strategy with one entry_long condition. */
function withEntry(condition: unknown, id = 7): Json[] {
  return [strategy(id, `strategy_${id}`, { entry_long: [condition] })];
}

function withExpr(when: unknown, id = 7): Json[] {
  return withEntry({ type: 'expr', when }, id);
}

function errorsOf(data: unknown): RegistryError[] {
  const result = validateRegistry(data);
  if (result.ok) throw new Error('expected the registry to be rejected, but it validated');
  return result.errors;
}

/** Exactly one error, equal to `expected` (`value: undefined` means the value is missing). */
function expectOneError(data: unknown, expected: RegistryError): void {
  const errors = errorsOf(data);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toStrictEqual(expected);
}

const CONDITION_TYPE_LIST =
  'crosses_above, crosses_below, above, below, rising, falling, all_of, any_of, pullback_to, pullback_below, ' +
  'bullish_divergence, bearish_divergence, candle_bullish, candle_bearish, consecutive_higher_closes, ' +
  'consecutive_lower_closes, squeeze, range_exceeds_atr, narrowest_range, breaks_above_level, breaks_below_level, ' +
  'in_top_pct_of_range, in_bottom_pct_of_range, gap_up, gap_down, deviation_from, was_below_then_crosses_above, ' +
  'was_above_then_crosses_below, held_for_n_bars, expr';
const UNKNOWN_TYPE = `not a valid condition: expected "type" to be one of ${CONDITION_TYPE_LIST}`;

describe('validateRegistry: a valid registry', () => {
  it('accepts a valid strategy and returns it', () => {
    const result = validateRegistry([strategy(1)]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.strategies.map((s) => s.id)).toEqual([1]);
  });

  it('returns the strategies sorted by id', () => {
    const result = validateRegistry([strategy(3), strategy(1), strategy(2)]);
    expect(result.ok && result.strategies.map((s) => s.id)).toEqual([1, 2, 3]);
  });
});

describe('validateRegistry: the registry itself', () => {
  it.each([
    ['an object', { strategies: [] }, 'object'],
    ['a string', 'strategies', 'string'],
    ['null', null, 'null'],
  ])('rejects %s instead of an array', (_what, data, typeName) => {
    expectOneError(data, { strategy: '-', path: '', value: data, message: `the registry must be a JSON array of strategies, not ${typeName}` });
  });

  it('rejects an entry that is not an object, labelled by its index', () => {
    expectOneError([strategy(1), 5], {
      strategy: '#1 (no valid id)',
      path: '',
      value: 5,
      message: 'Invalid input: expected object, received number',
    });
  });
});

describe('validateRegistry: conditions', () => {
  it('rejects an unknown condition type, listing the known ones', () => {
    const bad = { type: 'crosses', col_a: 'ema_20', col_b: 'ema_50' };
    expectOneError(withEntry(bad), { strategy: '7', path: 'entry_long[0]', value: bad, message: UNKNOWN_TYPE });
  });

  it('rejects a condition without a type', () => {
    const bad = { col: 'close', ref: 'ema_50' };
    expectOneError(withEntry(bad), { strategy: '7', path: 'entry_long[0]', value: bad, message: UNKNOWN_TYPE });
  });

  it('rejects an unknown condition type nested in all_of', () => {
    const bad = { type: 'over', col: 'close', ref: 1 };
    expectOneError(withEntry({ type: 'all_of', conditions: [{ type: 'above', col: 'close', ref: 1 }, bad] }), {
      strategy: '7',
      path: 'entry_long[0].conditions[1]',
      value: bad,
      message: UNKNOWN_TYPE,
    });
  });

  it('rejects an unknown column in a plain condition', () => {
    expectOneError(withEntry({ type: 'crosses_above', col_a: 'ema_20', col_b: 'ema_21' }), {
      strategy: '7',
      path: 'entry_long[0].col_b',
      value: 'ema_21',
      message: 'unknown column',
    });
  });

  it('rejects an unknown column inside any_of inside all_of', () => {
    const data = withEntry({
      type: 'all_of',
      conditions: [
        { type: 'above', col: 'close', ref: 'sma_200' },
        { type: 'any_of', conditions: [{ type: 'above', col: 'adx_14', ref: 25 }, { type: 'rising', col: 'rsi14', bars: 2 }] },
      ],
    });
    expectOneError(data, { strategy: '7', path: 'entry_long[0].conditions[1].conditions[1].col', value: 'rsi14', message: 'unknown column' });
  });

  it('rejects an unknown column deep inside an expr', () => {
    const data = withExpr({
      all: [
        { min_bars: 1 },
        { cmp: '>', a: { op: 'add', args: ['close', { op: 'mul', args: [2, { col: 'atr14', lag: 1 }] }] }, b: 'sma_20' },
      ],
    });
    expectOneError(data, { strategy: '7', path: 'entry_long[0].when.all[1].a.args[1].args[1].col', value: 'atr14', message: 'unknown column' });
  });

  it('rejects an unknown column as the input of a rolling function', () => {
    expectOneError(withExpr({ cmp: '>', a: { rolling: 'mean', of: 'atr', window: 3, lag: 0 }, b: 1 }), {
      strategy: '7',
      path: 'entry_long[0].when.a.of',
      value: 'atr',
      message: 'unknown column',
    });
  });

  it('rejects an unknown column in required_indicators', () => {
    expectOneError([strategy(7, 'strategy_7', { required_indicators: ['ema_20', 'sma_21'] })], {
      strategy: '7',
      path: 'required_indicators[1]',
      value: 'sma_21',
      message: 'unknown column',
    });
  });

  it('accepts the documented column aliases', () => {
    const data = withEntry({ type: 'breaks_above_level', level_col: 'max_high_20' });
    expect(validateRegistry(data).ok).toBe(true);
  });

  it('rejects a missing parameter', () => {
    expectOneError(withEntry({ type: 'rising', col: 'close' }), {
      strategy: '7',
      path: 'entry_long[0].bars',
      value: undefined,
      message: 'Invalid input: expected number, received undefined',
    });
  });

  it('rejects a string where a number is required', () => {
    expectOneError(withEntry({ type: 'rising', col: 'close', bars: '3' }), {
      strategy: '7',
      path: 'entry_long[0].bars',
      value: '3',
      message: 'Invalid input: expected number, received string',
    });
  });

  it('rejects a value that is neither a column nor a number', () => {
    expectOneError(withEntry({ type: 'above', col: 'close', ref: true }), {
      strategy: '7',
      path: 'entry_long[0].ref',
      value: true,
      message: 'expected a column name or a number',
    });
  });

  it.each([
    ['zero bars', { type: 'rising', col: 'close', bars: 0 }, 'bars', 0],
    ['negative lookback', { type: 'squeeze', width_col: 'bb_width', lookback: -5 }, 'lookback', -5],
    ['zero n_bars', { type: 'held_for_n_bars', col: 'rsi_14', op: '<', value: 30, n_bars: 0 }, 'n_bars', 0],
    ['negative count', { type: 'consecutive_higher_closes', count: -1 }, 'count', -1],
  ])('rejects %s where a positive integer is required', (_what, condition, key, value) => {
    expectOneError(withEntry(condition), {
      strategy: '7',
      path: `entry_long[0].${key}`,
      value,
      message: 'Too small: expected number to be >=1',
    });
  });

  it('rejects a fractional integer parameter', () => {
    expectOneError(withEntry({ type: 'squeeze', width_col: 'bb_width', lookback: 2.5 }), {
      strategy: '7',
      path: 'entry_long[0].lookback',
      value: 2.5,
      message: 'Invalid input: expected int, received number',
    });
  });

  it('rejects a wrong deviation_from direction', () => {
    expectOneError(withEntry({ type: 'deviation_from', col: 'close', ref_col: 'sma_20', atr_mult: 2, direction: 'up' }), {
      strategy: '7',
      path: 'entry_long[0].direction',
      value: 'up',
      message: 'Invalid option: expected one of "below"|"above"',
    });
  });

  it('rejects a wrong held_for_n_bars operator', () => {
    expectOneError(withEntry({ type: 'held_for_n_bars', col: 'rsi_14', op: '=>', value: 50, n_bars: 3 }), {
      strategy: '7',
      path: 'entry_long[0].op',
      value: '=>',
      message: 'Invalid option: expected one of ">"|">="|"<"|"<="|"=="|"!="',
    });
  });

  it('rejects an empty all_of', () => {
    expectOneError(withEntry({ type: 'all_of', conditions: [] }), {
      strategy: '7',
      path: 'entry_long[0].conditions',
      value: [],
      message: 'Too small: expected array to have >=1 items',
    });
  });

  it('rejects an unknown extra key in a condition (the message names the key)', () => {
    const bad = { type: 'above', col: 'close', ref: 'sma_20', strict: true };
    expectOneError(withEntry(bad), { strategy: '7', path: 'entry_long[0].strict', value: true, message: 'Unrecognized key: "strict"' });
  });

  it('rejects an unknown extra key inside an expression', () => {
    const bad = { cmp: '>', a: 'close', b: 1, c: 2 };
    expectOneError(withExpr(bad), { strategy: '7', path: 'entry_long[0].when.c', value: 2, message: 'Unrecognized key: "c"' });
  });
});

describe('validateRegistry: strategy fields', () => {
  it('rejects a wrong direction', () => {
    expectOneError([strategy(3, 's3', { direction: 'both' })], {
      strategy: '3',
      path: 'direction',
      value: 'both',
      message: 'Invalid option: expected one of "long_short"|"long_only"|"short_only"',
    });
  });

  it('rejects a wrong category', () => {
    expectOneError([strategy(3, 's3', { category: 'momentum' })], {
      strategy: '3',
      path: 'category',
      value: 'momentum',
      message: 'Invalid option: expected one of "trend"|"mean_reversion"|"breakout"|"volume_flow"|"pattern"|"regime"',
    });
  });

  it('rejects an unknown top-level key, naming it in the path', () => {
    expectOneError([strategy(3, 's3', { colour: 'red' })], { strategy: '3', path: 'colour', value: 'red', message: 'Unrecognized key: "colour"' });
  });

  it.each(['name', 'philosophy', 'entry_short', 'atr_target_mult', 'time_stop_bars', 'required_indicators', 'details'])(
    'rejects a strategy without %s',
    (field) => {
    const s = strategy(3, 's3');
    delete s[field];
    const [error, ...rest] = errorsOf([s]);
    expect(rest).toEqual([]);
    expect(error).toStrictEqual({
      strategy: '3',
      path: field,
      value: undefined,
      message: expect.stringMatching(/^Invalid input: expected \w+, received undefined$/),
    });
    },
  );

  it('names the expected type of a missing field', () => {
    const s = strategy(3, 's3');
    delete s.philosophy;
    expectOneError([s], { strategy: '3', path: 'philosophy', value: undefined, message: 'Invalid input: expected string, received undefined' });
  });

  it('rejects a philosophy over 500 characters and accepts exactly 500', () => {
    const long = 'x'.repeat(501);
    expectOneError([strategy(3, 's3', { philosophy: long })], {
      strategy: '3',
      path: 'philosophy',
      value: long,
      message: 'Too big: expected string to have <=500 characters',
    });
    expect(validateRegistry([strategy(3, 's3', { philosophy: 'x'.repeat(500) })]).ok).toBe(true);
  });

  it('rejects a name that is not snake_case', () => {
    expectOneError([strategy(3, 'Bad-Name')], {
      strategy: '3',
      path: 'name',
      value: 'Bad-Name',
      message: 'expected snake_case (a-z, 0-9, _; starting with a letter)',
    });
  });

  it('rejects a zero time_stop_bars (although docs/registry.md says 0 = not used; see the report)', () => {
    expectOneError([strategy(3, 's3', { time_stop_bars: 0 })], {
      strategy: '3',
      path: 'time_stop_bars',
      value: 0,
      message: 'Too small: expected number to be >0',
    });
  });
});

describe('validateRegistry: ids and names', () => {
  it('rejects a duplicate id, pointing at the first user', () => {
    expectOneError([strategy(4, 'first'), strategy(4, 'second')], {
      strategy: '4',
      path: 'id',
      value: 4,
      message: 'duplicate id, already used by strategy 4 (first)',
    });
  });

  it('rejects a duplicate name, pointing at the first user', () => {
    expectOneError([strategy(4, 'same'), strategy(9, 'same')], {
      strategy: '9',
      path: 'name',
      value: 'same',
      message: 'duplicate name, already used by strategy 4 (same)',
    });
  });

  it.each([
    ['a string id', 'seven', 'Invalid input: expected number, received string'],
    ['a fractional id', 1.5, 'Invalid input: expected int, received number'],
  ])('labels a strategy with %s by its index', (_what, id, message) => {
    expectOneError([strategy(1), strategy(2), { ...strategy(3), id }], { strategy: '#2 (no valid id)', path: 'id', value: id, message });
  });

  it('labels a strategy without an id by its index', () => {
    const s = strategy(3);
    delete s.id;
    expectOneError([strategy(1), s], {
      strategy: '#1 (no valid id)',
      path: 'id',
      value: undefined,
      message: 'Invalid input: expected number, received undefined',
    });
  });
});

describe('validateRegistry: the expression form', () => {
  it('rejects a read of a lag without a preceding min_bars guard', () => {
    expectOneError(withExpr({ cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }), {
      strategy: '7',
      path: 'entry_long[0].when.b',
      value: { col: 'close', lag: 1 },
      message: 'reads 1 bar(s) back without a preceding {"min_bars": 1} in an enclosing "all"',
    });
  });

  it('rejects a guard that comes after the read or is too small', () => {
    const errors = errorsOf(
      withExpr({
        all: [{ finite: ['close', { col: 'close', lag: 2 }] }, { min_bars: 1 }, { cmp: '>', a: 'close', b: { col: 'open', lag: 2 } }, { min_bars: 2 }],
      }),
    );
    expect(errors).toStrictEqual([
      {
        strategy: '7',
        path: 'entry_long[0].when.all[0].finite[1]',
        value: { col: 'close', lag: 2 },
        message: 'reads 2 bar(s) back without a preceding {"min_bars": 2} in an enclosing "all"',
      },
      {
        strategy: '7',
        path: 'entry_long[0].when.all[2].b',
        value: { col: 'open', lag: 2 },
        message: 'reads 2 bar(s) back without a preceding {"min_bars": 2} in an enclosing "all"',
      },
    ]);
  });

  it('does not count a min_bars inside an any as a guard', () => {
    expectOneError(withExpr({ any: [{ min_bars: 1 }, { cmp: '>', a: { col: 'close', lag: 1 }, b: 1 }] }), {
      strategy: '7',
      path: 'entry_long[0].when.any[1].a',
      value: { col: 'close', lag: 1 },
      message: 'reads 1 bar(s) back without a preceding {"min_bars": 1} in an enclosing "all"',
    });
  });

  it('adds a quantifier\'s lags to the reads inside it', () => {
    const data = withExpr({ all: [{ min_bars: 2 }, { every: { cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }, lags: [0, 2] }] });
    expectOneError(data, {
      strategy: '7',
      path: 'entry_long[0].when.all[1].every.b',
      value: { col: 'close', lag: 1 },
      message: 'reads 3 bar(s) back without a preceding {"min_bars": 3} in an enclosing "all"',
    });
    const guarded = withExpr({ all: [{ min_bars: 3 }, { every: { cmp: '>', a: 'close', b: { col: 'close', lag: 1 } }, lags: [0, 2] }] });
    expect(validateRegistry(guarded).ok).toBe(true);
  });

  it('checks the guard of an expr nested in any_of in an exit', () => {
    const data = [
      strategy(7, 'strategy_7', {
        exit_short: [{ type: 'any_of', conditions: [{ type: 'above', col: 'close', ref: 1 }, { type: 'expr', when: { cmp: '>', a: 'close', b: { col: 'open', lag: 3 } } }] }],
      }),
    ];
    expectOneError(data, {
      strategy: '7',
      path: 'exit_short[0].conditions[1].when.b',
      value: { col: 'open', lag: 3 },
      message: 'reads 3 bar(s) back without a preceding {"min_bars": 3} in an enclosing "all"',
    });
  });

  it('rejects an unknown arithmetic operator', () => {
    const bad = { op: 'pow', args: ['close', 2] };
    expectOneError(withExpr({ cmp: '>', a: bad, b: 1 }), {
      strategy: '7',
      path: 'entry_long[0].when.a',
      value: bad,
      message: 'not a valid operator: expected op "add", "sub", "mul", "div", "max", "min" or "abs"',
    });
  });

  it('rejects an unknown rolling kind', () => {
    const bad = { rolling: 'median', of: 'close', window: 3, lag: 0 };
    expectOneError(withExpr({ cmp: '>', a: bad, b: 1 }), {
      strategy: '7',
      path: 'entry_long[0].when.a',
      value: bad,
      message: 'not a valid rolling function: expected rolling "mean", "min", "max" or "percentile"',
    });
  });

  it('rejects a rolling window written with "col" instead of "of" (the form docs/registry.md shows)', () => {
    const bad = { rolling: 'mean', col: 'trix_15', window: 9, lag: 0 };
    const [error, ...rest] = errorsOf(withExpr({ cmp: '>', a: bad, b: 1 }));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ strategy: '7', path: 'entry_long[0].when.a', value: bad });
  });

  it('rejects a bad lags range [3, 1]', () => {
    const data = withExpr({ all: [{ min_bars: 3 }, { every: { cmp: '>', a: 'close', b: 1 }, lags: [3, 1] }] });
    expectOneError(data, { strategy: '7', path: 'entry_long[0].when.all[1].lags', value: [3, 1], message: 'lags must be [from, to] with from <= to' });
  });

  it('rejects lags that are not a pair', () => {
    const data = withExpr({ all: [{ min_bars: 3 }, { some: { cmp: '>', a: 'close', b: 1 }, lags: [0, 1, 2] }] });
    expectOneError(data, {
      strategy: '7',
      path: 'entry_long[0].when.all[1].lags',
      value: [0, 1, 2],
      message: 'Too big: expected array to have <=2 items',
    });
  });

  it('rejects an unknown comparison operator', () => {
    expectOneError(withExpr({ cmp: '=>', a: 'close', b: 1 }), {
      strategy: '7',
      path: 'entry_long[0].when.cmp',
      value: '=>',
      message: 'Invalid option: expected one of ">"|">="|"<"|"<="|"=="|"!="',
    });
  });

  it('rejects an unknown predicate form', () => {
    const bad = { gt: ['close', 1] };
    expectOneError(withExpr(bad), {
      strategy: '7',
      path: 'entry_long[0].when',
      value: bad,
      message:
        'not a valid predicate: expected an object with one of "cmp", "all", "any", "not", "finite", "not_nan", "min_bars", "votes", "every", "some", "count"',
    });
  });

  it.each([
    ['a percentile q above 100', { rolling: 'percentile', of: 'atr_14', window: 20, lag: 0, q: 150, min_count: 5 }, 'q', 150, 'Too big: expected number to be <=100'],
    ['a zero window', { rolling: 'mean', of: 'atr_14', window: 0, lag: 0 }, 'window', 0, 'Too small: expected number to be >=1'],
    ['a negative lag', { col: 'close', lag: -1 }, 'lag', -1, 'Too small: expected number to be >=0'],
  ])('rejects %s', (_what, num, key, value, message) => {
    expectOneError(withExpr({ cmp: '>', a: num, b: 1 }), { strategy: '7', path: `entry_long[0].when.a.${key}`, value, message });
  });

  it('rejects abs with two arguments', () => {
    expectOneError(withExpr({ cmp: '>', a: { op: 'abs', args: ['close', 1] }, b: 1 }), {
      strategy: '7',
      path: 'entry_long[0].when.a.args',
      value: ['close', 1],
      message: 'Too big: expected array to have <=1 items',
    });
  });
});

describe('validateRegistry: every error at once', () => {
  it('reports all 5 mistakes of a registry, each with its strategy', () => {
    const data = [
      strategy(1, 'one', { category: 'momentum', entry_long: [{ type: 'above', col: 'close', ref: 'sma_21' }] }),
      strategy(2, 'two', { exit_long: [{ type: 'rising', col: 'close' }] }),
      strategy(3, 'three', { entry_short: [{ type: 'expr', when: { cmp: '<', a: 'close', b: { col: 'close', lag: 1 } } }] }),
      strategy(4, 'three'),
    ];
    const errors = errorsOf(data);
    expect(errors.map((e) => [e.strategy, e.path])).toEqual([
      ['1', 'category'],
      ['1', 'entry_long[0].ref'],
      ['2', 'exit_long[0].bars'],
      ['3', 'entry_short[0].when.b'],
      ['4', 'name'],
    ]);
    expect(errors.map(formatError)).toEqual([
      'strategy 1: category: Invalid option: expected one of "trend"|"mean_reversion"|"breakout"|"volume_flow"|"pattern"|"regime" (value: "momentum")',
      'strategy 1: entry_long[0].ref: unknown column (value: "sma_21")',
      'strategy 2: exit_long[0].bars: Invalid input: expected number, received undefined (value: missing)',
      'strategy 3: entry_short[0].when.b: reads 1 bar(s) back without a preceding {"min_bars": 1} in an enclosing "all" (value: {"col":"close","lag":1})',
      'strategy 4: name: duplicate name, already used by strategy 3 (three) (value: "three")',
    ]);
  });

  it('makes compileRegistry throw RegistryInvalid carrying the same errors', () => {
    const data = [strategy(1, 'one', { category: 'momentum' }), strategy(2, 'two'), strategy(3, 'two')];
    const expected = errorsOf(data);
    let thrown: unknown;
    try {
      compileRegistry(data);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryInvalid);
    expect((thrown as RegistryInvalid).errors).toStrictEqual(expected);
    expect((thrown as RegistryInvalid).message).toBe('strategies.json has 2 error(s)');
  });

  it('reports a missing guard even when the same strategy has another error', () => {
    const data = [strategy(1, 'one', { philosophy: '', entry_long: [{ type: 'expr', when: { cmp: '>', a: 'close', b: { col: 'close', lag: 1 } } }] })];
    expect(errorsOf(data).map((e) => e.path)).toEqual(['philosophy', 'entry_long[0].when.b']);
  });

  it('reports a duplicate name even when the first user has another error', () => {
    const data = [strategy(1, 'one', { category: 'momentum' }), strategy(2, 'one')];
    expect(errorsOf(data).map((e) => [e.strategy, e.path])).toEqual([
      ['1', 'category'],
      ['2', 'name'],
    ]);
  });
});

describe('formatError', () => {
  it('writes strategy, path, message and a JSON preview of the value', () => {
    expect(formatError({ strategy: '7', path: 'entry_long[0].col_b', value: 'ema_21', message: 'unknown column' })).toBe(
      'strategy 7: entry_long[0].col_b: unknown column (value: "ema_21")',
    );
  });

  it('shortens long values', () => {
    const text = formatError({ strategy: '7', path: 'philosophy', value: 'x'.repeat(501), message: 'too long' });
    expect(text).toBe(`strategy 7: philosophy: too long (value: "${'x'.repeat(116)}...)`);
  });

  it('has no doubled colon when the path is empty', () => {
    const text = formatError({ strategy: '-', path: '', value: 'object', message: 'the registry must be a JSON array of strategies' });
    expect(text).not.toContain('::');
  });
});

describe('the real strategies.json', () => {
  const registry: unknown = JSON.parse(readFileSync(resolve(ROOT, 'strategies.json'), 'utf8'));

  it('validates, with 100 strategies numbered 1 to 100', () => {
    const result = validateRegistry(registry);
    if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
    expect(result.strategies).toHaveLength(100);
    expect(result.strategies.map((s) => s.id)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
  });

  it('reports exactly the structurally impossible strategies as never trading', () => {
    const { neverTrade, warnings } = compileRegistry(registry);
    expect(neverTrade).toEqual([51, 52, 57, 58, 60, 61, 62, 65, 68, 70, 71, 79, 80, 90, 97]);
    // 85 has no trades in the parity fixtures only because its candle
    // pattern never occurs in the synthetic data: not impossible
    expect(neverTrade).not.toContain(85);
    expect(warnings.some((w) => w.startsWith('warning: strategy 85 '))).toBe(false);
    for (const id of neverTrade) {
      expect(warnings.some((w) => w.startsWith(`warning: strategy ${id} `) && w.includes(' so the strategy never enters ')), `strategy ${id}`).toBe(true);
    }
  });
});
