import type { FieldDialect } from '../engine/justification.js';

/**
 * PostgreSQL's COPY text format: fields separated by tabs, rows ended by
 * '\n', `\N` for NULL, and backslash, tab, newline and carriage return
 * backslash-escaped inside a field (anything else is taken literally).
 */
export const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `text` as a COPY text field. */
export function copyEscaped(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPES[c]!);
}

/** Justifications as COPY text fields: unquoted, escaped as above. */
export const COPY_FIELD: FieldDialect = { quoted: false, escape: copyEscaped };
