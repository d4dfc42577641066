import { parentPort } from 'node:worker_threads';
import { STRATEGIES } from '../../generated/index.js';
import { ROW_FIELDS } from '../aggregate/aggregate.js';
import { RISK_PROFILES } from '../engine/risk-profiles.js';
import { tradeCount } from '../engine/trade-log.js';
import { ByteSink } from '../output/byte-sink.js';
import { CsvRows } from '../output/csv-rows.js';
import { RunBuffers, runStrategy } from '../run/strategy-run.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import type { DatasetMessage, FromWorker, TaskMessage, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('runtime/pool/worker.ts runs only as a worker thread');

interface Dataset {
  readonly series: BarSeries;
  readonly message: DatasetMessage;
  csv?: CsvRows;
}

const strategies = new Map(STRATEGIES.map((s) => [s.id, s]));
const datasets = new Map<number, Dataset>();
const tradeSink = new ByteSink();
const resultSink = new ByteSink();
let buffers: RunBuffers | undefined;

port.on('message', (message: ToWorker) => {
  if (message.kind === 'dataset') {
    datasets.set(message.datasetId, { series: { length: message.length, time: message.time, columns: message.columns }, message });
    return;
  }
  if (message.kind === 'forget') {
    datasets.delete(message.datasetId);
    return;
  }
  const transfer: ArrayBuffer[] = [];
  let reply: FromWorker;
  try {
    reply = runTask(message, transfer);
  } catch (error) {
    reply = { kind: 'failed', taskId: message.taskId, message: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  port.postMessage(reply, transfer);
});

function runTask(message: TaskMessage, transfer: ArrayBuffer[]): FromWorker {
  const dataset = datasets.get(message.datasetId);
  const strategy: CompiledStrategy | undefined = strategies.get(message.strategyId);
  if (!dataset) throw new Error(`unknown dataset ${message.datasetId}`);
  if (!strategy) throw new Error(`unknown strategy ${message.strategyId}`);
  const { series } = dataset;
  buffers = RunBuffers.ensure(buffers, series.length);
  const runs = runStrategy(series, strategy, message.profiles.map((p) => RISK_PROFILES[p]), buffers);
  if (message.format === 'packed') {
    const trades = runs.map((r) => r.trades);
    const rows = runs.map((r) => r.rows);
    for (const a of [...trades, ...rows]) transfer.push(a.buffer as ArrayBuffer);
    return { kind: 'packed', taskId: message.taskId, trades, rows };
  }
  // the lines are formatted here, beside the trades, so the main thread only writes bytes
  dataset.csv ??= new CsvRows(dataset.message.symbol, dataset.message.timeframe, series);
  let trades = 0;
  let rows = 0;
  for (const run of runs) {
    dataset.csv.trades(strategy, run.profile.name, run.trades, tradeSink);
    dataset.csv.results(strategy, run.profile.name, run.rows, resultSink);
    trades += tradeCount(run.trades);
    rows += run.rows.length / ROW_FIELDS;
  }
  const tradeBytes = tradeSink.take();
  const resultBytes = resultSink.take();
  transfer.push(tradeBytes.buffer as ArrayBuffer, resultBytes.buffer as ArrayBuffer);
  return { kind: 'csv', taskId: message.taskId, trades: tradeBytes, results: resultBytes, tradeCount: trades, rowCount: rows };
}
