import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PAGE_SCRIPT = 'report-page.js';

/**
 * The page's script (scripts/bundle.mjs builds it from runtime/report/page/
 * with the chart libraries into dist/report-page.js): next to the running
 * bundle (this module is in dist/ or dist/chunks/), or, run from the
 * sources, in the repository's dist/, found by walking up to probe's
 * package.json as runtime/version.ts does.
 */
export function pageScriptPath(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let k = 0; k < 5; k++) {
    const beside = join(dir, PAGE_SCRIPT);
    if (existsSync(beside)) return beside;
    if (isProbeRoot(dir)) {
      const built = join(dir, 'dist', PAGE_SCRIPT);
      if (existsSync(built)) return built;
      break;
    }
    dir = dirname(dir);
  }
  throw new Error(`index.html needs ${PAGE_SCRIPT}, which is not built: run make build`);
}

function isProbeRoot(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'probe';
  } catch {
    return false;
  }
}

let cached: { path: string; text: string } | undefined;

/** The script's text, safe inside an inline <script> element. */
export function pageScript(): string {
  const path = pageScriptPath();
  if (cached?.path !== path) cached = { path, text: inlineSafe(readFileSync(path, 'utf8')) };
  return cached.text;
}

/**
 * An inline script ends at the first `</script`, and `<!--` switches the
 * HTML parser into a mode where `<script` nests: both may occur in the
 * libraries' string literals and regular expressions, where `\x3C` means the
 * same `<`.
 */
export function inlineSafe(js: string): string {
  return js.replace(/<(\/script|!--)/gi, '\\x3C$1');
}
