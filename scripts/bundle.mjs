// Bundles the CLI and the worker thread (with the generated strategies) into
// dist/. Each command's work sits in a chunk of its own, loaded when that
// command runs, so `probe --version` or `--help` loads only the command
// line. yargs is bundled in (it is on every path, and one file loads faster
// than its thirty modules), with a light string-width in place of the real
// one; other dependencies stay external: talib is a native addon, and the
// rest load only with the commands that use them.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

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

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'runtime/cli/main.ts', worker: 'runtime/run/worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: Object.keys(dependencies).filter((name) => !bundled.has(name)),
  sourcemap: true,
  plugins: [lightStringWidth],
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
console.log('dist/cli.js and dist/worker.js built');
