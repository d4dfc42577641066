import type { Argv } from 'yargs';

export interface ReportArgs {
  from?: string;
  'run-id'?: string;
  symbols?: string;
  data?: string;
  out: string;
  config?: string;
  workers?: number;
}

/** `probe report`: per-strategy metrics, a leaderboard and an HTML report of a backtest output folder or a database run. */
export function reportCommand(yargs: Argv): Argv {
  return yargs.command<ReportArgs>(
    'report',
    'Summarise a run: OUT/summary.csv (per-strategy metrics), OUT/index.html (charts, drill-down) and a leaderboard on the terminal',
    (y) =>
      y
        .option('from', { type: 'string', describe: 'a probe backtest output folder (trades.csv, run.json)' })
        .option('run-id', { type: 'string', describe: 'a database run (its trades are recomputed and verified when it stored none)' })
        .option('symbols', { type: 'string', describe: 'with --run-id: comma-separated symbols of the run (default: all)' })
        .option('data', { type: 'string', describe: 'with --from: the bars folder, when it moved since the backtest (default: the one run.json names)' })
        .option('out', { type: 'string', demandOption: true, describe: 'report folder (created if missing)' })
        .option('config', { type: 'string', describe: 'config.yaml (default: ./config.yaml when present): database and logging' })
        .option('workers', { type: 'number', describe: 'worker threads (default: config engine.max_workers, 0 = one per core)' })
        .example('$0 report --from out --out report', 'report a probe backtest output folder')
        .example('$0 report --run-id nightly-2026-11-28 --out report', 'report a database run') as unknown as Argv<ReportArgs>,
    async (args) => {
      const { report } = await import('../actions/report.js');
      await report(args);
    },
  );
}
