/**
 * The same comparison as `npx tsx compiler/main.ts --check`: generated/ must be
 * exactly what strategies.json compiles to, with no missing, changed or extra
 * files. On failure the message lists every stale file and how to fix it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../compiler/compile.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT_DIR = join(ROOT, 'generated');

/** Files under `dir`, relative to it with `/` separators, sorted (as compiler/main.ts lists them). */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

interface Staleness {
  readonly missing: string[];
  readonly changed: string[];
  readonly extra: string[];
}

/** How the files on disk under `dir` differ from `expected`. */
function staleFiles(expected: ReadonlyMap<string, string>, dir: string): Staleness {
  const onDisk = listFiles(dir);
  const present = new Set(onDisk);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [path, text] of [...expected].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!present.has(path)) missing.push(path);
    else if (readFileSync(join(dir, path), 'utf8') !== text) changed.push(path);
  }
  const extra = onDisk.filter((path) => !expected.has(path));
  return { missing, changed, extra };
}

function describeStaleness({ missing, changed, extra }: Staleness): string {
  const section = (title: string, paths: string[]) => (paths.length === 0 ? [] : [`${title}:`, ...paths.map((p) => `  generated/${p}`)]);
  return [
    'generated/ is stale: run `npx tsx compiler/main.ts` (make generate) and commit the result.',
    ...section('missing (the registry produces them, generated/ lacks them)', missing),
    ...section('changed (differ from what the registry compiles to)', changed),
    ...section('extra (on disk, but the registry no longer produces them)', extra),
  ].join('\n');
}

describe('generated/ is up to date with strategies.json', () => {
  it('matches the compiler output file for file, byte for byte, with no extra files', () => {
    const registry: unknown = JSON.parse(readFileSync(join(ROOT, 'strategies.json'), 'utf8'));
    const { files } = compileRegistry(registry);
    const staleness = staleFiles(files, OUT_DIR);
    const stale = [...staleness.missing, ...staleness.changed, ...staleness.extra];
    if (stale.length > 0) expect.fail(describeStaleness(staleness));
    expect(listFiles(OUT_DIR)).toHaveLength(files.size);
    // 100 strategies, the shared kernels, the index and the diagnostics
    expect(files.size).toBe(103);
  });
});

describe('the staleness check itself', () => {
  it('finds missing, changed and extra files and lists them readably', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stale-test-'));
    try {
      mkdirSync(join(dir, 'strategies'));
      writeFileSync(join(dir, 'index.ts'), 'export {};\n');
      writeFileSync(join(dir, 'strategies', '001_a.ts'), 'old\n');
      writeFileSync(join(dir, 'strategies', '003_gone.ts'), 'gone\n');
      const expected = new Map([
        ['index.ts', 'export {};\n'],
        ['strategies/001_a.ts', 'new\n'],
        ['strategies/002_b.ts', 'b\n'],
      ]);
      const staleness = staleFiles(expected, dir);
      expect(staleness).toEqual({ missing: ['strategies/002_b.ts'], changed: ['strategies/001_a.ts'], extra: ['strategies/003_gone.ts'] });
      expect(describeStaleness(staleness)).toBe(
        [
          'generated/ is stale: run `npx tsx compiler/main.ts` (make generate) and commit the result.',
          'missing (the registry produces them, generated/ lacks them):',
          '  generated/strategies/002_b.ts',
          'changed (differ from what the registry compiles to):',
          '  generated/strategies/001_a.ts',
          'extra (on disk, but the registry no longer produces them):',
          '  generated/strategies/003_gone.ts',
        ].join('\n'),
      );
      expect(staleFiles(new Map([['index.ts', 'export {};\n']]), join(dir, 'absent'))).toEqual({ missing: ['index.ts'], changed: [], extra: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
