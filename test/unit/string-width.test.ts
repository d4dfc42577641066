/**
 * The bundle's light string-width (runtime/cli/string-width.ts) against the
 * real package it stands in for, which yargs' help layout would otherwise use.
 */
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import stringWidth from '../../runtime/cli/string-width.js';

describe('light string-width', () => {
  it.each([
    '',
    'probe backtest',
    '  --data        folder holding bars_<TF>.csv files          [string] [required]',
    '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
    '日本語のヘルプ',
    'café',
    '\u001b[31mred\u001b[39m text',
    'tab\there',
    '👍 ok',
    'e\u0301',
  ])('measures %j as string-width does', (text) => {
    expect(stringWidth(text)).toBe(realStringWidth(text));
  });

  it('passes options through to string-width for text that is not plain ASCII', () => {
    const ansi = '\u001b[31mred\u001b[39m';
    expect(stringWidth(ansi, { countAnsiEscapeCodes: true })).toBe(realStringWidth(ansi, { countAnsiEscapeCodes: true }));
    expect(stringWidth(ansi, { countAnsiEscapeCodes: true })).not.toBe(stringWidth(ansi));
  });
});
