/**
 * `make generate`: strategies.json -> generated/, then one summary line per
 * kind of finding (`--verbose`: every finding). With --check, writes nothing
 * and fails when generated/ differs from what the registry gives. With
 * --validate, writes nothing and only reports every error of the registry
 * (the Python exporter runs this, so one command lists every problem).
 * `--registry FILE` and `--out DIR` replace the project's own.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RegistryInvalid, compileRegistry } from './compile.js';
import { summaryLines } from './diagnostics/report.js';
import { formatError } from './registry/validate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Relative to the working directory when inside it (`generated/` under `make generate`), else absolute. */
function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

interface Options {
  readonly registryPath: string;
  readonly outDir: string;
  readonly check: boolean;
  readonly validate: boolean;
  readonly verbose: boolean;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      check: { type: 'boolean', default: false },
      validate: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      registry: { type: 'string', default: join(root, 'strategies.json') },
      out: { type: 'string', default: join(root, 'generated') },
    },
  });
  return {
    registryPath: resolve(values.registry),
    outDir: resolve(values.out),
    check: values.check,
    validate: values.validate,
    verbose: values.verbose,
  };
}

function main(): number {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`error: ${(error as Error).message} (usage: compiler/main.ts [--check | --validate] [--verbose] [--registry FILE] [--out DIR])`);
    return 2;
  }
  const { registryPath, outDir, check, validate, verbose } = options;
  const shown = `${displayPath(outDir)}/`;
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
      console.error(`${error.errors.length} error(s) in ${registryPath}` + (validate ? '' : `; ${shown} left unchanged`));
      return 1;
    }
    throw error;
  }
  if (!check && verbose) for (const w of result.warnings) console.warn(w);
  if (validate) {
    console.log(`${displayPath(registryPath)}: ${result.diagnostics.length} strategies, no error`);
    for (const line of summaryLines(result.diagnostics)) console.log(line);
    return 0;
  }
  const existing = listFiles(outDir);
  if (check) {
    const stale = [
      ...[...result.files].filter(([path, text]) => !existsSync(join(outDir, path)) || readFileSync(join(outDir, path), 'utf8') !== text).map(([p]) => p),
      ...existing.filter((p) => !result.files.has(p)),
    ];
    if (stale.length > 0) {
      console.error(`${shown} is stale (run \`make generate\` and commit it): ${stale.join(', ')}`);
      return 1;
    }
    console.log(`${shown} is up to date (${result.files.size} files)`);
    return 0;
  }
  for (const path of existing) if (!result.files.has(path)) rmSync(join(outDir, path));
  for (const [path, text] of result.files) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  console.log(`${shown}: ${result.files.size} files from ${result.diagnostics.length} strategies`);
  for (const line of summaryLines(result.diagnostics)) console.log(line);
  return 0;
}

process.exitCode = main();
