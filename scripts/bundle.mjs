// Bundles the CLI and the worker thread (with the generated strategies) into
// dist/. Each command's work sits in a chunk of its own, loaded when that
// command runs, so `probe --version` or `--help` loads only the command
// line. yargs is bundled in (it is on every path, and one file loads faster
// than its thirty modules), with a light string-width in place of the real
// one; other dependencies stay external: talib is a native addon, and the
// rest load only with the commands that use them.
//
// --outdir DIR (default dist) and --metafile FILE (esbuild's record of
// inputs and outputs) let test/compiler/runtime-boundary.test.ts check this
// very build without replacing dist/.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** yargs' help layout measures text with string-width; see runtime/cli/string-width.ts. */
const lightStringWidth = {
  name: 'light-string-width',
  setup(build) {
    const shim = new URL('../runtime/cli/string-width.ts', import.meta.url).pathname;
    build.onResolve({ filter: /^string-width$/ }, () => ({ path: shim }));
  },
};

const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const bundled = new Set(['yargs']);

const { values: options } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' }, metafile: { type: 'string' } } });
const outdir = options.outdir;

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: 'runtime/cli/main.ts', worker: 'runtime/run/worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: Object.keys(dependencies).filter((name) => !bundled.has(name)),
  sourcemap: true,
  plugins: [lightStringWidth],
  metafile: options.metafile !== undefined,
  logLevel: 'warning',
});
chmodSync(join(outdir, 'cli.js'), 0o755);

// index.html's script (runtime/report/html/build.ts inlines it): the page
// with its chart libraries, for the browser, in one file
const page = await build({
  entryPoints: ['runtime/report/page/main.ts'],
  outfile: join(outdir, 'report-page.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  metafile: options.metafile !== undefined,
  logLevel: 'warning',
});
if (options.metafile !== undefined) {
  const merged = { inputs: { ...result.metafile.inputs, ...page.metafile.inputs }, outputs: { ...result.metafile.outputs, ...page.metafile.outputs } };
  writeFileSync(options.metafile, JSON.stringify(merged));
}
console.log(`${join(outdir, 'cli.js')}, ${join(outdir, 'worker.js')} and ${join(outdir, 'report-page.js')} built`);
