import { describe, expect, it } from 'vitest';
import { runPython } from './python.js';

/** The Python unit tests of scripts/probe_registry (test/python/test_*.py), run with python3's unittest. */
describe('python3 -m unittest test/python', () => {
  it('passes', async () => {
    const result = await runPython(['-m', 'unittest', 'discover', '-s', 'test/python', '-p', 'test_*.py', '-v']);
    expect(result.stderr, result.stderr).toMatch(/\nOK\n$/);
    expect(result.status).toBe(0);
    const ran = /Ran (\d+) tests?/.exec(result.stderr);
    expect(Number(ran?.[1])).toBeGreaterThanOrEqual(10);
  });
});
