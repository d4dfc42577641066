import { NUMBER } from './codec.js';

/**
 * Whether any justification text holds the byte encodeTexts marks numbers
 * with (then those combinations are stored plain). Asked once for all the
 * texts of a report, in Node (codec.ts also runs in the page): Buffer's
 * indexOf is a memchr, a typed array's walks element by element.
 */
export function textHoldsNumberByte(text: Uint8Array): boolean {
  return Buffer.from(text.buffer, text.byteOffset, text.length).indexOf(NUMBER) >= 0;
}
