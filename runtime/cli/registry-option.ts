import type { Config } from '../config/config.js';
import { InputError } from '../errors.js';
import { registryFileWarning } from '../registry/registry-file.js';

/**
 * `--registry FILE`, which `probe strategies` and `probe db seed-strategies`
 * took while the runtime read registries: it reads none now (everything it
 * knows about the strategies is compiled into generated/), so the option is
 * refused with the way to use such a file.
 */
export function refuseRegistryOption(file: string | undefined): void {
  if (file === undefined) return;
  throw new InputError([
    `--registry: probe no longer reads a strategy registry: it uses the strategies compiled into generated/ by make generate; ` +
      `to use ${file}, compile it with npx tsx compiler/main.ts --registry ${file} (then node scripts/bundle.mjs for dist/)`,
  ]);
}

/** A `warning:` line on stderr when the config's strategies.registry_file is not what generated/ was compiled from. */
export function warnOfRegistryFile(config: Config): void {
  const warning = registryFileWarning(config.strategies.registry_file);
  if (warning !== undefined) console.error(`warning: ${warning}`);
}
