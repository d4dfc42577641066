import { z } from 'zod';
import { RISK_PROFILE_NAMES } from '../engine/risk-profiles.js';

/**
 * OUT/run.json, written by `probe backtest` beside trades.csv and
 * results.csv: what was run on which bars, so `probe report --from OUT`
 * can name every combination (those without trades too), find the bars
 * again and notice when they changed since.
 */
export const RUN_MANIFEST_FILE = 'run.json';

const barsSchema = z.object({
  /** bars_<TF>.csv as given to --data (absolute). */
  file: z.string(),
  count: z.number().int().nonnegative(),
  /** ISO-8601 UTC times of the first and last bar; null without bars. */
  first: z.string().nullable(),
  last: z.string().nullable(),
});

export const runManifestSchema = z.object({
  probe_version: z.string(),
  registry_hash: z.string(),
  symbol: z.string(),
  /** The --data folder (absolute). */
  data: z.string(),
  timeframes: z.array(z.string()).min(1),
  strategies: z.array(z.number().int()),
  risk_profiles: z.array(z.enum(RISK_PROFILE_NAMES)),
  indicators: z.string(),
  bars: z.record(z.string(), barsSchema),
});

export type RunManifest = z.infer<typeof runManifestSchema>;

export function formatRunManifest(manifest: RunManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
