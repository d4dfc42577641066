import { readFileSync } from 'node:fs';
import { registryHash } from './hash.js';
import { REGISTRY_HASH } from './registry.js';

/** The config's default strategies.registry_file: left unchecked when absent (probe runs from any folder). */
const DEFAULT_REGISTRY_FILE = 'strategies.json';

const USING = 'probe uses the strategies compiled into generated/';

/**
 * The runtime neither reads nor validates a registry: everything it knows
 * about the strategies was compiled into generated/ by `make generate`. The
 * config's strategies.registry_file names the registry those strategies
 * should come from; this compares its hash (hash.ts) with the one generated/
 * was compiled from, and says so when they differ, since probe would list,
 * seed and run other strategies than the file holds. Undefined when they
 * agree, or when the default file is absent.
 */
export function registryFileWarning(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && path === DEFAULT_REGISTRY_FILE) return undefined;
    return `strategies.registry_file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}; ${USING}`;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return `strategies.registry_file ${path} is not valid JSON; ${USING}`;
  }
  if (registryHash(data) === REGISTRY_HASH) return undefined;
  return (
    `strategies.registry_file ${path} is not the registry probe was built from (${REGISTRY_HASH.slice(0, 12)}): ${USING}; ` +
    `to use it, compile it (make generate, or npx tsx compiler/main.ts --registry ${path}; then node scripts/bundle.mjs for dist/)`
  );
}
