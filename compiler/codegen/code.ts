/**
 * Emitted code is assembled only through the `code` tagged template, in the
 * manner of ajv's `_`: an interpolated `Code` is trusted and inserted as is,
 * a number becomes an exact numeric literal and a string becomes a quoted
 * string literal. Registry values therefore never reach the output as raw
 * text, so no registry content can change the shape of the generated code.
 */
export class Code {
  /** Set on `a && b` and `a || b`, so nesting flattens instead of piling up parentheses. */
  constructor(
    readonly text: string,
    readonly junction?: { readonly op: '&&' | '||'; readonly parts: readonly Code[] },
  ) {}
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
  return stringLiteral(value);
}

/** A single-quoted string literal (JSON's escapes, with the quotes swapped). */
export function stringLiteral(value: string): string {
  const body = JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${body}'`;
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

/**
 * A JSON value as a literal: JSON text is a JavaScript expression that
 * evaluates to the same value, so registry data can appear as data.
 */
export function jsonLiteral(value: unknown): Code {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error('not a JSON value');
  return new Code(text);
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

/** `(a && b && ...)`, with constant `true` parts dropped and nested conjunctions flattened. */
export function and(parts: readonly Code[]): Code {
  return junction('&&', parts, TRUE, FALSE);
}

/** `(a || b || ...)`, likewise. */
export function or(parts: readonly Code[]): Code {
  return junction('||', parts, FALSE, TRUE);
}

function junction(op: '&&' | '||', parts: readonly Code[], neutral: Code, absorbing: Code): Code {
  const kept = parts
    .filter((p) => p.text !== neutral.text)
    .flatMap((p) => (p.junction?.op === op ? p.junction.parts : [p]));
  if (kept.some((p) => p.text === absorbing.text)) return absorbing;
  if (kept.length === 0) return neutral;
  if (kept.length === 1) return kept[0]!;
  return new Code(`(${kept.map((p) => p.text).join(` ${op} `)})`, { op, parts: kept });
}
