/**
 * Emitted code as structure, in the manner of ajv's lib/compile/codegen.
 *
 * A `Code` is a list of items: trusted fragments the compiler wrote
 * (the static parts of a `code` template), `Name`s and numbers. Code is
 * assembled only through the `code` tagged template (ajv's `_`) and the
 * combinators below: an interpolated `Code` or `Name` is kept as is, a
 * number stays a number item (printed as an exact literal), a string becomes
 * a quoted string literal. Registry values therefore never reach the output
 * as raw text, so no registry content can change the shape of the generated
 * code.
 *
 * Items stay structured until `text` prints them, so later steps ask the
 * structure rather than read the text back: which names a piece of code
 * uses (and which of those are imported from which module), whether it is a
 * constant, and, for the shared kernels, which names and numbers to lift out
 * as parameters (`substitute`).
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An identifier of the generated code. `from` is the module it is imported
 * from (a path from the project root), so the emitter can write imports from
 * the names the code uses.
 */
export class Name {
  constructor(
    readonly str: string,
    readonly from?: string,
  ) {
    if (!IDENTIFIER.test(str)) throw new Error(`not an identifier: ${JSON.stringify(str)}`);
  }
  toString(): string {
    return this.str;
  }
}

/** One item of code: a trusted fragment, a name or a number. */
export type Item = string | Name | number;

/** What the combinators know about a piece of code beyond its items. */
type Form =
  | { readonly kind: 'junction'; readonly op: '&&' | '||'; readonly parts: readonly Code[] }
  | { readonly kind: 'constant'; readonly value: boolean };

export class Code {
  readonly items: readonly Item[];

  /**
   * Outside this module, build code with `code` and the combinators: a
   * string given here is trusted as code as it stands. (The string form is
   * kept for callers not yet converted.)
   */
  constructor(
    items: string | readonly Item[],
    readonly form?: Form,
  ) {
    this.items = typeof items === 'string' ? (items === '' ? [] : [items]) : items;
  }

  /** The code as JavaScript text: the only place items become text. */
  get text(): string {
    let out = '';
    for (const item of this.items) out += typeof item === 'string' ? item : typeof item === 'number' ? numberLiteral(item) : item.str;
    return out;
  }

  toString(): string {
    return this.text;
  }

  /** The names the code uses, each once, in order of first use. */
  get names(): Name[] {
    return [...new Set(this.items.filter((item): item is Name => item instanceof Name))];
  }

  /** The value when the code is a single number, else undefined. */
  get number(): number | undefined {
    const [only] = this.items;
    return this.items.length === 1 && typeof only === 'number' ? only : undefined;
  }
}

export type Interpolation = Code | Name | number | string | boolean;

/** ajv's `_`: code from a template whose static parts are trusted and whose values are interpolated safely. */
export function code(strings: TemplateStringsArray, ...values: Interpolation[]): Code {
  const items: Item[] = [];
  const push = (item: Item) => {
    if (item === '') return;
    const last = items.length - 1;
    if (typeof item === 'string' && typeof items[last] === 'string') items[last] += item;
    else items.push(item);
  };
  push(strings[0] ?? '');
  values.forEach((value, k) => {
    if (value instanceof Code) value.items.forEach(push);
    else if (value instanceof Name || typeof value === 'number') push(value);
    else if (typeof value === 'boolean') push(value ? 'true' : 'false');
    else push(stringLiteral(value));
    push(strings[k + 1] ?? '');
  });
  return new Code(items);
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

/** A name as code; anything but an identifier is a compiler bug. */
export function ident(name: string): Code {
  return new Code([new Name(name)]);
}

/** A block comment; the text cannot close it early. */
export function comment(text: string): Code {
  return new Code(`/* ${commentSafe(text)} */`);
}

/** Text inside a block comment must not close it. */
export function commentSafe(text: string): string {
  return text.replaceAll('*/', '*\\/');
}

/** The parts with `separator` between them, their items kept. */
export function join(parts: readonly Code[], separator: Code): Code {
  return new Code(parts.flatMap((part, k) => (k === 0 ? part.items : [...separator.items, ...part.items])));
}

/** Statements, one a line. */
export function lines(statements: readonly Code[]): Code {
  return join(statements, NEWLINE);
}

/** `[a, b, ...]`, each value interpolated as `code` interpolates it. */
export function array(values: readonly Interpolation[]): Code {
  const items = values.map((v) => code`${v}`);
  return code`[${join(items, COMMA)}]`;
}

export const COMMA = new Code(', ');
export const NULL = new Code('null');
export const NEWLINE = new Code('\n');
export const TRUE = new Code('true', { kind: 'constant', value: true });
export const FALSE = new Code('false', { kind: 'constant', value: false });

/** JavaScript's operators, to interpolate where a table chooses one (ajv's `operators`). */
export const operators = {
  GT: new Code('>'),
  GTE: new Code('>='),
  LT: new Code('<'),
  LTE: new Code('<='),
  EQ: new Code('==='),
  NEQ: new Code('!=='),
  ADD: new Code('+'),
  SUB: new Code('-'),
  MUL: new Code('*'),
  DIV: new Code('/'),
} as const;

/** `(a && b && ...)`, with constant `true` parts dropped and nested conjunctions flattened. */
export function and(parts: readonly Code[]): Code {
  return junction('&&', parts, true);
}

/** `(a || b || ...)`, likewise. */
export function or(parts: readonly Code[]): Code {
  return junction('||', parts, false);
}

function junction(op: '&&' | '||', parts: readonly Code[], neutral: boolean): Code {
  const kept = parts
    .filter((p) => !(p.form?.kind === 'constant' && p.form.value === neutral))
    .flatMap((p) => (p.form?.kind === 'junction' && p.form.op === op ? p.form.parts : [p]));
  if (kept.some((p) => p.form?.kind === 'constant')) return neutral ? FALSE : TRUE;
  if (kept.length === 0) return neutral ? TRUE : FALSE;
  if (kept.length === 1) return kept[0]!;
  const body = join(kept, new Code(` ${op} `));
  return new Code(['(', ...body.items, ')'], { kind: 'junction', op, parts: kept });
}

/**
 * The code with some names and numbers replaced (each by what `replace`
 * gives for it, or kept where it gives undefined). The shared kernels use
 * it to turn column reads and constants into parameters.
 */
export function substitute(source: Code, replace: { name?(name: Name): Code | undefined; number?(value: number): Code | undefined }): Code {
  return new Code(
    source.items.flatMap((item) => {
      const replaced =
        item instanceof Name ? replace.name?.(item) : typeof item === 'number' ? replace.number?.(item) : undefined;
      return replaced === undefined ? [item] : replaced.items;
    }),
  );
}

/** The imported names among `names`, grouped by module (modules and names sorted). */
export function importsOf(names: Iterable<Name>): Map<string, string[]> {
  const byModule = new Map<string, Set<string>>();
  for (const name of names) {
    if (name.from === undefined) continue;
    byModule.set(name.from, (byModule.get(name.from) ?? new Set()).add(name.str));
  }
  return new Map([...byModule].sort(([a], [b]) => a.localeCompare(b)).map(([from, set]) => [from, [...set].sort()]));
}
