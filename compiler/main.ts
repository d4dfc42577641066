/**
 * `make generate`: strategies.json -> generated/. With --check, writes
 * nothing and fails when generated/ differs from what the registry gives.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryInvalid, compileRegistry } from './compile.js';
import { formatError } from './registry/validate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const registryPath = join(root, 'strategies.json');
const outDir = join(root, 'generated');
const check = process.argv.includes('--check');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function main(): number {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(registryPath, 'utf8'));
  } catch (error) {
    console.error(`error: cannot read ${registryPath}: ${(error as Error).message}`);
    return 1;
  }
  let result;
  try {
    result = compileRegistry(data);
  } catch (error) {
    if (error instanceof RegistryInvalid) {
      for (const e of error.errors) console.error(`error: ${formatError(e)}`);
      console.error(`${error.errors.length} error(s) in ${registryPath}; generated/ left unchanged`);
      return 1;
    }
    throw error;
  }
  if (!check) for (const w of result.warnings) console.warn(w);
  const existing = listFiles(outDir);
  if (check) {
    const stale = [
      ...[...result.files].filter(([path, text]) => !existsSync(join(outDir, path)) || readFileSync(join(outDir, path), 'utf8') !== text).map(([p]) => p),
      ...existing.filter((p) => !result.files.has(p)),
    ];
    if (stale.length > 0) {
      console.error(`generated/ is stale (run \`make generate\` and commit it): ${stale.join(', ')}`);
      return 1;
    }
    console.log(`generated/ is up to date (${result.files.size} files)`);
    return 0;
  }
  for (const path of existing) if (!result.files.has(path)) rmSync(join(outDir, path));
  for (const [path, text] of result.files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  console.log(
    `generated/: ${result.files.size} files from ${[...result.files.keys()].filter((p) => p.startsWith('strategies/')).length} strategies; ` +
      `${result.neverTrade.length} can never trade (${result.neverTrade.join(', ')})`,
  );
  return 0;
}

process.exitCode = main();
