// Builds the `talib` native addon from its bundled TA-Lib C sources.
// Its own install script links macOS objects it ships and fails on Linux, so
// package.json skips it (allowScripts) and this postinstall step runs the
// package's clean script first, then its install script, inside node_modules.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'talib');
if (!existsSync(join(dir, 'package.json'))) {
  console.log('build-talib: talib is not installed, nothing to build');
  process.exit(0);
}
const addon = join(dir, 'build', 'Release', 'talib.node');
if (existsSync(addon) && !process.env.PROBE_REBUILD_TALIB) {
  try {
    require(addon);
    console.log('build-talib: native addon already built');
    process.exit(0);
  } catch {
    // a stale or foreign binary: rebuild below
  }
}
// the compiler's output (some hundred lines, gcc's warnings about TA-Lib's own sources among them) goes to a
// log: on success one line says where it is, on failure its end is printed with the error
const log = join(dirname(fileURLToPath(import.meta.url)), '..', '.probe', 'build-talib.log');
mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, '');
const run = (cmd, args) => {
  const out = openSync(log, 'a');
  try {
    execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, npm_config_engine_strict: 'false' } });
  } catch (error) {
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    console.error(lines.slice(-40).join('\n'));
    console.error(`build-talib: \`${[cmd, ...args].join(' ')}\` failed (${error.message.split('\n')[0]}); the whole output is in ${log}`);
    process.exit(1);
  } finally {
    closeSync(out);
  }
};
console.log('build-talib: building TA-Lib and the talib addon from source (about a minute)');
run(process.execPath, ['src/lib/clean.js']);
run('npm', ['run', 'install']);
require(addon);
console.log(`build-talib: done (compiler output in ${log})`);
