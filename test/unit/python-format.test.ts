/**
 * Python's float formatting. Every expected string below was produced on
 * this machine with python3, e.g.
 *   python3 -c "print(repr(format(0.125, '.2f')), repr(format(-0.0, '.4f')), repr(1e16))"
 * Python rounds the exact binary value half to even; JavaScript's toFixed
 * rounds exact ties away from zero and drops the sign of -0.
 */
import { describe, expect, it } from 'vitest';
import { pyFixed, pyRepr, pySignedFixed } from '../../runtime/format/python.js';

describe('pyFixed = format(x, ".Nf")', () => {
  it.each([
    // exact binary ties round half to even
    [0.125, 2, '0.12'], // JS toFixed gives 0.13
    [0.375, 2, '0.38'],
    [2.5, 0, '2'], // JS gives 3
    [3.5, 0, '4'],
    [0.5, 0, '0'],
    [-0.5, 0, '-0'],
    [-0.125, 2, '-0.12'],
    // not ties: the binary value decides (2.675 is 2.67499999...)
    [2.675, 2, '2.67'],
    [1.00005, 4, '1.0001'],
    [0.00015, 4, '0.0001'],
    [123.45675, 4, '123.4567'],
    [1.23456, 4, '1.2346'],
    [-1.23456, 4, '-1.2346'],
    // signed zeros
    [-0, 4, '-0.0000'],
    [0, 4, '0.0000'],
    [-0.00001, 4, '-0.0000'],
  ])('format(%s, ".%if") == %s', (x, digits, expected) => {
    expect(pyFixed(x, digits)).toBe(expected);
  });

  it('JavaScript itself differs on the ties (so the test above is not vacuous)', () => {
    expect((0.125).toFixed(2)).toBe('0.13');
    expect((2.5).toFixed(0)).toBe('3');
    expect((-0).toFixed(4)).toBe('0.0000');
  });

  it('nan and infinities', () => {
    expect([pyFixed(Number.NaN, 4), pyFixed(Infinity, 4), pyFixed(-Infinity, 4)]).toEqual(['nan', 'inf', '-inf']);
  });

  // Number#toFixed switches to exponent notation from 1e21 on;
  // python3 -c "print(format(1e21, '.4f'))" prints 1000000000000000000000.0000
  it('values of 1e21 and above are written out in full', () => {
    expect(pyFixed(1e21, 4)).toBe('1000000000000000000000.0000');
  });
});

describe('pySignedFixed = format(x, "+.Nf")', () => {
  it.each([
    [0, 2, '+0.00'],
    [-0, 2, '-0.00'],
    [1.005, 2, '+1.00'], // 1.00499999... in binary
    [-1.005, 2, '-1.00'],
    [0.125, 2, '+0.12'],
    [-0.004, 2, '-0.00'],
    [12.3456, 2, '+12.35'],
  ])('format(%s, "+.%if") == %s', (x, digits, expected) => {
    expect(pySignedFixed(x, digits)).toBe(expected);
  });

  it('nan and inf get a plus sign too', () => {
    expect([pySignedFixed(Number.NaN, 2), pySignedFixed(Infinity, 2), pySignedFixed(-Infinity, 2)]).toEqual(['+nan', '+inf', '-inf']);
  });
});

describe('pyRepr = repr(float)', () => {
  it.each([
    [1e-5, '1e-05'], // JS: 0.00001
    [0.0001, '0.0001'],
    [1e16, '1e+16'], // JS: 10000000000000000
    [1e15, '1000000000000000.0'],
    [123.0, '123.0'], // JS: 123
    [1.5e-7, '1.5e-07'], // JS: 1.5e-7
    [0.1 + 0.2, '0.30000000000000004'],
    [-0, '-0.0'],
    [0, '0.0'],
    [0.5, '0.5'],
    [-2.5e-5, '-2.5e-05'],
    [1234567890123456.7, '1234567890123456.8'],
    [12345678901234567, '1.2345678901234568e+16'],
    [1e22, '1e+22'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('repr(%s) == %s', (x, expected) => {
    expect(pyRepr(x)).toBe(expected);
  });
});
