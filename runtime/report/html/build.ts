import type { WorkerPool } from '../../run/pool.js';
import type { ReportData, SummaryRow } from '../model.js';
import { pageScript } from './page-script.js';
import { buildPayload } from './payload.js';
import { htmlParts, scriptJson } from './template.js';

/**
 * index.html: one self-contained file (no network; the chart libraries are
 * inlined from dist/report-page.js). The summary, the run and the
 * strategies are plain JSON, so the leaderboard renders at once; trades,
 * justifications, bars and indicator columns are gzipped binary chunks the
 * page inflates when it draws them (docs: runtime/report/html/meta.ts).
 */
export async function buildReportHtml(data: ReportData, summary: readonly SummaryRow[], pool?: WorkerPool): Promise<Buffer> {
  const script = pageScript();
  // a pool encodes the justification texts, the largest part of the work, beside this thread
  const payload = await buildPayload(data, summary, pool);
  return Buffer.concat(htmlParts(scriptJson(payload.meta), script, payload.base64));
}
