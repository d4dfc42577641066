/**
 * Emitted code is assembled only through the `code` tagged template, in the
 * manner of ajv's `_`: an interpolated `Code` is trusted and inserted as is,
 * a number becomes an exact numeric literal and a string becomes a quoted
 * string literal. Registry values therefore never reach the output as raw
 * text, so no registry content can change the shape of the generated code.
 */
export class Code {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Interpolation = Code | number | string | boolean;

export function code(strings: TemplateStringsArray, ...values: Interpolation[]): Code {
  let out = strings[0] ?? '';
  values.forEach((value, k) => {
    out += render(value) + (strings[k + 1] ?? '');
  });
  return new Code(out);
}

function render(value: Interpolation): string {
  if (value instanceof Code) return value.text;
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** The shortest literal that reads back as the very same double. */
export function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return 'Number.NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '(-Infinity)';
  if (Object.is(value, -0)) return '(-0)';
  const text = String(value);
  return value < 0 ? `(${text})` : text;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name to use as an identifier; anything else is a compiler bug. */
export function ident(name: string): Code {
  if (!IDENTIFIER.test(name)) throw new Error(`not an identifier: ${JSON.stringify(name)}`);
  return new Code(name);
}

export function join(parts: readonly Code[], separator: string): Code {
  return new Code(parts.map((p) => p.text).join(separator));
}

export const TRUE = new Code('true');
export const FALSE = new Code('false');

/** `a && b && ...`, parenthesised, with constant `true` parts dropped. */
export function and(parts: readonly Code[]): Code {
  const kept = parts.filter((p) => p.text !== 'true');
  if (kept.some((p) => p.text === 'false')) return FALSE;
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0]!;
  return new Code(`(${kept.map((p) => p.text).join(' && ')})`);
}

export function or(parts: readonly Code[]): Code {
  const kept = parts.filter((p) => p.text !== 'false');
  if (kept.some((p) => p.text === 'true')) return TRUE;
  if (kept.length === 0) return FALSE;
  if (kept.length === 1) return kept[0]!;
  return new Code(`(${kept.map((p) => p.text).join(' || ')})`);
}
