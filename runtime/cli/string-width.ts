import { createRequire } from 'node:module';

/**
 * Stands in for `string-width` in the bundle (scripts/bundle.mjs). yargs
 * and cliui lay out --help with it, and its module start-up builds Unicode
 * property regexes and an Intl.Segmenter: about 40 ms on every start of
 * probe, `--version` included, though a probe command's help is plain
 * ASCII. Printable ASCII is one column per character; anything else (wide
 * characters, emoji, ANSI colours) goes to the real string-width, loaded on
 * first use.
 */
type StringWidth = (text: string, options?: { readonly ambiguousIsNarrow?: boolean; readonly countAnsiEscapeCodes?: boolean }) => number;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let full: StringWidth | undefined;

export default function stringWidth(text: string, options?: Parameters<StringWidth>[1]): number {
  if (typeof text === 'string' && PRINTABLE_ASCII.test(text)) return text.length;
  full ??= (createRequire(import.meta.url)('string-width') as { default: StringWidth }).default;
  return full(text, options);
}
