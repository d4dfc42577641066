import { join } from 'node:path';
import { StagedFileError, InputError } from '../errors.js';
import { StagedFiles } from '../output/staged-files.js';
import type { WorkerPool } from '../run/pool.js';
import { buildReportHtml } from './html/build.js';
import type { ReportData, SummaryRow } from './model.js';
import { summaryCsv } from './summary-csv.js';

export interface WrittenReport {
  readonly summaryPath: string;
  readonly htmlPath: string;
  readonly htmlBytes: number;
}

/** DIR/summary.csv and DIR/index.html, both or neither: a failure leaves DIR as it was. */
export async function writeReport(data: ReportData, summary: readonly SummaryRow[], out: string, pool?: WorkerPool): Promise<WrittenReport> {
  const summaryPath = join(out, 'summary.csv');
  const htmlPath = join(out, 'index.html');
  let files: StagedFiles;
  try {
    files = new StagedFiles([summaryPath, htmlPath]);
  } catch (error) {
    if (error instanceof StagedFileError) throw new InputError([`--out: ${error.message}`]);
    throw error;
  }
  let committed = false;
  try {
    files.write(0, Buffer.from(summaryCsv(summary)));
    const html = await buildReportHtml(data, summary, pool);
    files.write(1, html);
    await files.commit();
    committed = true;
    return { summaryPath, htmlPath, htmlBytes: html.length };
  } finally {
    if (!committed) files.abort();
  }
}
