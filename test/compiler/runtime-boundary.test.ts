/**
 * The runtime never needs the compiler: nothing under runtime/ or
 * generated/ imports compiler/ (directly or through another file), and the
 * bundle `probe` ships (scripts/bundle.mjs: dist/cli.js and its chunks) holds
 * no compiler module, so `probe --version` or any command loads no
 * condition definition, schema or zod registry validator.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Metafile } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { CONDITION_TYPES } from '../../compiler/conditions/index.js';
import { ROOT } from '../support/cli.js';

const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');
const posix = (path: string): string => path.split(sep).join('/');

function tsFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => posix(relative(ROOT, join(e.parentPath, e.name))))
    .sort();
}

/** The project files a TypeScript file imports (static, type-only, re-exports and dynamic `import()`), relative to ROOT. */
function relativeImports(file: string): string[] {
  return ts
    .preProcessFile(read(file), true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => posix(relative(ROOT, resolve(ROOT, dirname(file), specifier.replace(/\.js$/, '.ts')))));
}

/** From each file of `roots`, every project file it reaches through imports, with the chain that reaches it. */
function reachable(roots: readonly string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(roots.map((f) => [f, [f]]));
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of relativeImports(file)) {
      if (chains.has(next)) continue;
      chains.set(next, [...chains.get(file)!, next]);
      // a compiler file is reported, not followed
      if (!next.startsWith('compiler/')) queue.push(next);
    }
  }
  return chains;
}

describe('the runtime and generated/ import nothing from compiler/', () => {
  const roots = [...tsFiles('runtime'), ...tsFiles('generated')];

  it('walks every file of runtime/ and generated/', () => {
    expect(roots.length).toBeGreaterThan(150);
    expect(roots).toContain('runtime/cli/main.ts');
    expect(roots).toContain('generated/diagnostics.ts');
  });

  it('reaches no compiler file, directly or through another file', () => {
    const intoCompiler = [...reachable(roots)].filter(([file]) => file.startsWith('compiler/')).map(([, chain]) => chain.join(' -> '));
    expect(intoCompiler).toEqual([]);
  });

  it('would catch one: the walk sees a compiler import where there is one', () => {
    expect(relativeImports('compiler/compile.ts').some((f) => f.startsWith('compiler/'))).toBe(true);
    expect([...reachable(['compiler/compile.ts']).keys()]).toContain('runtime/registry/hash.ts');
  });
});

describe('the probe bundle holds no compiler code', () => {
  // inside the project, so that the bundle's external packages resolve from node_modules as dist/'s do
  mkdirSync(resolve(ROOT, '.probe'), { recursive: true });
  const outdir = mkdtempSync(resolve(ROOT, '.probe', 'bundle-test-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** scripts/bundle.mjs's build itself, into `outdir`, with its metafile. */
  async function bundle(): Promise<Metafile> {
    const metafile = join(outdir, 'meta.json');
    const run = spawnSync(process.execPath, ['scripts/bundle.mjs', '--outdir', relative(ROOT, outdir), '--metafile', metafile], { encoding: 'utf8', cwd: ROOT });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
  }

  let metafile: Metafile | undefined;
  const built = async (): Promise<Metafile> => (metafile ??= await bundle());

  it('is built from no compiler module: every command, and the worker', async () => {
    const inputs = Object.keys((await built()).inputs).map(posix);
    expect(inputs).toContain('runtime/cli/main.ts');
    expect(inputs).toContain('generated/diagnostics.ts');
    expect(inputs.filter((f) => f.startsWith('compiler/') || f.includes('/compiler/'))).toEqual([]);
  });

  it('holds no condition definition or registry schema in its text', async () => {
    const outputs = Object.keys((await built()).outputs).filter((f) => f.endsWith('.js'));
    expect(outputs.length).toBeGreaterThan(2);
    const text = outputs.map((f) => readFileSync(resolve(ROOT, f), 'utf8')).join('\n');
    const markers = [
      ...CONDITION_TYPES.map((d) => d.doc),
      'ConditionSchema',
      'not a valid condition',
      'StrategySchema',
      'expected snake_case (a-z, 0-9, _; starting with a letter)',
    ];
    expect(markers.length).toBeGreaterThan(30);
    expect(markers.filter((m) => text.includes(m))).toEqual([]);
    // the strategies' conditions are there, as data
    expect(text).toContain('crosses_above');
  });

  it('answers probe --version from dist/cli.js, loading only chunks without compiler code', async () => {
    const meta = await built();
    const cli = Object.keys(meta.outputs).find((f) => posix(f).endsWith('/cli.js'))!;
    // what `node cli.js --version` loads: cli.js and the chunks it imports statically (the commands' are dynamic)
    const loaded = new Set<string>();
    const visit = (output: string): void => {
      if (loaded.has(output)) return;
      loaded.add(output);
      for (const i of meta.outputs[output]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit(cli);
    const inputs = [...loaded].flatMap((o) => Object.keys(meta.outputs[o]!.inputs)).map(posix);
    expect(inputs.filter((f) => f.startsWith('compiler/'))).toEqual([]);
    expect(inputs).not.toContain('generated/diagnostics.ts');
    const version = JSON.parse(read('package.json')) as { version: string };
    const run = spawnSync(process.execPath, [resolve(ROOT, cli), '--version'], { encoding: 'utf8', cwd: ROOT });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toContain(version.version);
  });
});
