// Bundles the CLI and the worker thread (with the generated strategies) into
// dist/. Dependencies stay external: talib is a native addon.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

await build({
  entryPoints: { cli: 'runtime/cli/main.ts', worker: 'runtime/pool/worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
console.log('dist/cli.js and dist/worker.js built');
