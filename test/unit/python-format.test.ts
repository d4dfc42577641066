/**
 * Python's float formatting. The hand-written cases below were produced on
 * this machine with python3, e.g.
 *   python3 -c "print(repr(format(0.125, '.2f')), repr(format(-0.0, '.4f')), repr(1e16))"
 * Python rounds the exact binary value half to even; JavaScript's toFixed
 * rounds exact ties away from zero and drops the sign of -0.
 *
 * The python3 suites ask python3 itself, run inside the test: every double
 * is sent as its exact 64-bit pattern, so edge values, ties, values next to
 * the rounding points and 200,000 pseudo-random doubles are compared byte for
 * byte with Python's output. Each is formatted twice on our side, by the
 * string functions and by the byte writers of ByteSink (the CSV output's
 * path), and both must match.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mulberry32 as prng } from '../../runtime/input/random.js';
import { pyFixed, pyFixedSlow, pyRepr, pyReprFallback, pySignedFixed, pySignedFixedSlow } from '../../runtime/format/python.js';
import { ByteSink } from '../../runtime/output/byte-sink.js';

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

// ---------------------------------------------------------------------------
// Comparison with the system python3

/** Format specs understood by both sides: 'repr', '.Nf' and '+.Nf'. */
type Spec = string;

const PYTHON_SCRIPT = `
import struct, sys
specs = sys.argv[1:]
out = []
for h in sys.stdin.read().split():
    x = struct.unpack('>d', bytes.fromhex(h))[0]
    out.append('\\t'.join(repr(x) if s == 'repr' else format(x, s) for s in specs))
sys.stdout.write('\\n'.join(out))
`;

const scratch = new DataView(new ArrayBuffer(8));

function bitsHex(x: number): string {
  scratch.setFloat64(0, x);
  return scratch.getUint32(0).toString(16).padStart(8, '0') + scratch.getUint32(4).toString(16).padStart(8, '0');
}

function fromBits(hi: number, lo: number): number {
  scratch.setUint32(0, hi >>> 0);
  scratch.setUint32(4, lo >>> 0);
  return scratch.getFloat64(0);
}

/** The adjacent double towards +inf (steps = 1) or -inf (steps = -1), repeated. */
function nextDouble(x: number, steps: number): number {
  let y = x;
  for (let i = 0; i < Math.abs(steps); i++) {
    if (y === 0) {
      y = steps > 0 ? 5e-324 : -5e-324;
      continue;
    }
    scratch.setFloat64(0, y);
    const bits = scratch.getBigUint64(0);
    const away = steps > 0 === y > 0; // moving away from zero grows the magnitude bits
    scratch.setBigUint64(0, away ? bits + 1n : bits - 1n);
    y = scratch.getFloat64(0);
  }
  return y;
}

/** Every spec of every value, formatted by python3 in one subprocess. */
function pythonFormat(values: readonly number[], specs: readonly Spec[]): string[][] {
  const result = spawnSync('python3', ['-c', PYTHON_SCRIPT, ...specs], {
    input: values.map(bitsHex).join('\n'),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (result.error) {
    throw new Error(`this test needs the system python3 to compute the expected strings and could not run it: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`python3 exited with status ${String(result.status)} while computing the expected strings:\n${result.stderr}`);
  }
  const lines = result.stdout.split('\n');
  if (lines.length !== values.length) throw new Error(`python3 returned ${lines.length} lines for ${values.length} values`);
  return lines.map((line) => line.split('\t'));
}

const sink = new ByteSink();

/**
 * Our string for a spec. The string function, the byte writer and the slow
 * path that both fall back on (kept exact over the whole range, so that it is
 * right wherever it is reached) must agree; if they do not, all three are
 * returned, so the comparison fails.
 */
function ours(x: number, spec: Spec): string {
  const signed = spec.startsWith('+');
  const digits = Number(spec.slice(signed ? 2 : 1, -1));
  let text: string;
  let slow: string;
  if (spec === 'repr') {
    text = pyRepr(x);
    slow = pyReprFallback(x);
    sink.pyRepr(x);
  } else if (signed) {
    text = pySignedFixed(x, digits);
    slow = pySignedFixedSlow(x, digits);
    sink.pySignedFixed(x, digits);
  } else {
    text = pyFixed(x, digits);
    slow = pyFixedSlow(x, digits);
    sink.pyFixed(x, digits);
  }
  const bytes = sink.takeText();
  return bytes === text && slow === text ? text : `string ${text} / bytes ${bytes} / slow ${slow}`;
}

interface Mismatch {
  value: string;
  spec: Spec;
  python: string;
  ours: string;
}

/** Differences between python3 and our functions (the first 20), and how many strings were compared. */
function compareWithPython(values: readonly number[], specs: readonly Spec[]): { mismatches: Mismatch[]; compared: number } {
  const expected = pythonFormat(values, specs);
  const mismatches: Mismatch[] = [];
  let compared = 0;
  values.forEach((x, i) => {
    const row = expected[i] ?? [];
    specs.forEach((spec, j) => {
      const python = row[j];
      const actual = ours(x, spec);
      compared++;
      if (actual !== python && mismatches.length < 20) {
        mismatches.push({ value: `${String(x)} (0x${bitsHex(x)})`, spec, python: python ?? '<missing>', ours: actual });
      }
    });
  });
  return { mismatches, compared };
}

/** Doubles that are exact ties at `digits` decimals: odd multiples of 2^-(digits+1). */
function tiesAt(digits: number): number[] {
  const scale = 2 ** (digits + 1);
  const odd = [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 99, 101, 12345, 2 ** 20 + 1, 2 ** 40 - 1, 2 ** 53 - 1, 2 ** 53 - 3];
  return odd.flatMap((t) => [t / scale, -t / scale]);
}

const EDGE_VALUES: number[] = [
  0, -0, Number.NaN, Infinity, -Infinity,
  // hand-picked ties and non-ties
  0.125, 0.375, 2.5, 3.5, 0.5, -0.5, 1.5, -1.5, 0.0625, -0.0625, 0.03125, 0.25, 0.75, 1.00005, 2.675, 1.005, -1.005, 0.00015, 123.45675, 0.045, 0.05,
  ...[0, 1, 2, 3, 4, 6, 10, 20].flatMap(tiesAt),
  // repr boundaries: 1e-4, 1e-5, 1e-6 (JS switches there), 1e16, 1e21 and their neighbours
  ...[1e-4, 1e-5, 1e-6, 1e-7, 1e15, 1e16, 1e17, 1e21, 1e22, 2 ** 52, 2 ** 53].flatMap((b) => [-3, -2, -1, 0, 1, 2, 3].flatMap((k) => [nextDouble(b, k), -nextDouble(b, k)])),
  0.0001, 9.999999999999999e-5, 1e16 - 2, 9999999999999998.0, 999999999999999900000, 1e21 - 65536, 1.5e-7, 0.1 + 0.2, 1234567890123456.7, 12345678901234567,
  // subnormals and extremes
  5e-324, -5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308, -2.2250738585072014e-308, Number.MIN_VALUE * 2 ** 51,
  1.7976931348623157e308, -1.7976931348623157e308, Number.EPSILON, 1 - Number.EPSILON / 2,
  // large negative numbers
  -1e20, -123456789012345680000, -1e21, -9.87654321e25, -(2 ** 70) - 2 ** 18, -4503599627370495.5, -2251799813685247.75,
  // neighbours of ties at 4 digits and of rounding points of typical prices
  ...[0.00005, 1.00005, 123.45675, 0.5, 2.5].flatMap((b) => [-2, -1, 1, 2].map((k) => nextDouble(b, k))),
];

/**
 * Values at and next to the rounding points of the exact fast path (pyFixed
 * by way of roundScaled): decimal halves n + 1/2 at 1, 2 and 4 digits, for n
 * small and near the path's limit |x| * 10^d = 2^52 (4.5e11 at 4 digits);
 * negative values that round to zero; and the limit itself.
 */
function roundingPoints(): number[] {
  const values: number[] = [];
  for (const d of [1, 2, 4]) {
    const scale = 10 ** d;
    const limit = 2 ** 52 / scale;
    const wholes = [0, 1, 2, 3, 7, 42, 95, 99, 100, 12345, 987654, 2 ** 31, 2 ** 40 / scale, limit / 3, limit / 1.001, limit - 2, limit - 1];
    for (const w of wholes) {
      for (const f of [0, 1, 4, 5, 6, 9, 45, 50, 55, 4999, 5000, 5001]) {
        const half = (Math.floor(w) * scale + (f % scale) + 0.5) / scale;
        for (const k of [-3, -2, -1, 0, 1, 2, 3]) {
          const x = nextDouble(half, k);
          values.push(x, -x);
        }
      }
    }
    for (const k of [-4, -1, 0, 1, 4, 1000]) values.push(nextDouble(limit, k), -nextDouble(limit, k));
    // negative numbers that round to zero, and to the smallest step
    for (const m of [0.1, 0.25, 0.4999, 0.5, 0.5001, 0.9, 1.5]) values.push(-m / scale, m / scale);
  }
  values.push(-1e-300, -5e-324, 1e-300, -1e-23, -2.5e-23, 2.5e-23, 0.25e-22, -4.5e11, 4.5e11, 450359962737.0496, -450359962737.0495);
  return values;
}

describe('agrees with python3 on edge values', () => {
  it('.1f, .2f, .4f and +.2f around the rounding points of the exact fast path', () => {
    const values = roundingPoints();
    const specs = ['.1f', '.2f', '.4f', '+.1f', '+.2f', '+.4f', 'repr'];
    const { mismatches, compared } = compareWithPython(values, specs);
    expect(mismatches).toEqual([]);
    expect(compared).toBe(values.length * specs.length);
    expect(values.length).toBeGreaterThan(5000);
  });

  it('repr, .Nf for N in 0..4, 6, 10, 20 and +.Nf', () => {
    const specs = ['repr', '.0f', '.1f', '.2f', '.3f', '.4f', '.6f', '.10f', '.20f', '+.0f', '+.1f', '+.2f', '+.4f'];
    const { mismatches, compared } = compareWithPython(EDGE_VALUES, specs);
    expect(mismatches).toEqual([]);
    expect(compared).toBe(EDGE_VALUES.length * specs.length);
  });

  it('the edge values contain ties that JavaScript alone gets wrong (so the comparison is not vacuous)', () => {
    const wrongInJs = EDGE_VALUES.filter((x) => Number.isFinite(x) && x.toFixed(2) !== pyFixed(x, 2));
    expect(wrongInJs.length).toBeGreaterThan(20);
  });
});


function randomDoubles(count: number, seed: number): number[] {
  const random = prng(seed);
  const int = (below: number): number => Math.floor(random() * below);
  const sign = (x: number): number => (random() < 0.5 ? -x : x);
  const price4 = (): number => int(10 ** (4 + int(7))) / 1e4; // 0.0000 .. 99999.9999 and friends
  const price2 = (): number => int(10 ** (2 + int(7))) / 100;
  const generators: (() => number)[] = [
    // random bit patterns: every exponent, subnormals, nan, inf
    () => fromBits(int(2 ** 32), int(2 ** 32)),
    () => sign(price4()),
    () => sign(price2()),
    // pnl ratios and percentages of such prices
    () => price4() / (price4() || 1) - 1,
    () => ((price4() - price4()) / (price4() || 1)) * 100,
    () => sign(price4() * price4()),
    () => price4() - price4(),
    // constructed ties and values next to them: odd t over 2^(d+1)
    () => sign((2 * int(2 ** (1 + int(40))) + 1) / 2 ** (1 + int(22))),
    () => nextDouble(sign((2 * int(2 ** (1 + int(30))) + 1) / 2 ** (1 + int(6))), int(5) - 2),
    // decimals ending in a 5 just past the rounding digit, like 1.00005 and 2.675
    () => sign((10 * int(10 ** (1 + int(8))) + 5) / 10 ** (1 + int(6))),
    // tiny and huge magnitudes, incl. around 1e-4, 1e16 and 1e21
    () => sign((1 + 9 * random()) * 10 ** (int(661) - 330)),
    () => sign((1 + 9 * random()) * 10 ** (int(30) - 10)),
    () => nextDouble([1e-4, 1e16, 1e21, 1e-5, 1e-6][int(5)] ?? 1, int(41) - 20),
  ];
  return Array.from({ length: count }, () => {
    const x = generators[int(generators.length)]?.() ?? 0;
    return x;
  });
}

describe('agrees with python3 on 200,000 pseudo-random doubles', () => {
  it('repr, .0f, .1f, .2f, .4f, +.2f', () => {
    const values = randomDoubles(200_000, 20240607);
    const specs = ['repr', '.0f', '.1f', '.2f', '.4f', '+.2f'];
    const { mismatches, compared } = compareWithPython(values, specs);
    expect(mismatches).toEqual([]);
    expect(compared).toBe(values.length * specs.length);
  });
});

/**
 * repr's byte writer finds the shortest digits by itself (reprInto); String(x)
 * has the same digits (see pyRepr). So in the range where Python prints no
 * exponent both must give the same text, which is quick to check on many
 * more doubles than python3 could format in a test.
 */
describe('repr bytes agree with String(x) on 1,000,000 doubles', () => {
  it('every binade from 1e-4 to 1e16, prices, ratios, powers of two and their neighbours', () => {
    const random = prng(987654321);
    const int = (below: number): number => Math.floor(random() * below);
    const generators: (() => number)[] = [
      // random mantissa and exponent in 2^-14 .. 2^54
      () => fromBits(((1009 + int(45)) << 20) | int(0x100000), int(2 ** 32)),
      // powers of two (the narrower rounding interval below) and next to them
      () => fromBits((1009 + int(45)) << 20, 0),
      () => nextDouble(fromBits((1009 + int(45)) << 20, 0), int(7) - 3),
      // prices, pnl ratios, percentages
      () => (int(10 ** 7) / 1e4) * (1 + (random() - 0.5) / 100),
      () => (int(10 ** 7) / 1e4 - int(10 ** 7) / 1e4) / (int(10 ** 7) / 1e4 + 1),
      () => (random() - 0.5) * 0.02,
      // powers of ten and short decimals, and next to them
      () => nextDouble(10 ** (int(20) - 4), int(41) - 20),
      () => Number(`${int(10 ** 6)}e${int(20) - 10}`),
      () => Number((random() * 10 ** (int(20) - 4)).toPrecision(1 + int(17))),
    ];
    const mismatches: string[] = [];
    let compared = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const x = generators[i % generators.length]!();
      const magnitude = Math.abs(x);
      if (!(magnitude >= 1e-4 && magnitude < 1e16)) continue;
      for (const v of [x, -x]) {
        sink.pyRepr(v);
        const bytes = sink.takeText();
        const text = String(v);
        const expected = Number.isInteger(v) ? `${text}.0` : text;
        compared++;
        if (bytes !== expected && mismatches.length < 20) mismatches.push(`${expected} (0x${bitsHex(v)}): ${bytes}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(1_800_000);
  });
});
