import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { STRATEGIES } from '../../generated/index.js';
import { ROW_FIELDS } from '../engine/aggregate.js';
import { RISK_PROFILES } from '../engine/risk-profiles.js';
import { tradeCount } from '../engine/trade-log.js';
import { ByteSink } from '../output/byte-sink.js';
import { CopyRows } from '../output/copy-rows.js';
import { CsvRows } from '../output/csv-rows.js';
import { type ProfileRun, RunBuffers, runStrategy } from './strategy-run.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import type { DatasetMessage, FromWorker, IndicatorsMessage, TaskMessage, TextsMessage, ToWorker } from './protocol.js';

function parent(): MessagePort {
  if (!parentPort) throw new Error('runtime/run/worker.ts runs only as a worker thread');
  return parentPort;
}
const port = parent();

interface Dataset {
  readonly series: BarSeries;
  readonly message: DatasetMessage;
  csv?: CsvRows;
  copy?: CopyRows;
}

const strategies = new Map(STRATEGIES.map((s) => [s.id, s]));
const datasets = new Map<number, Dataset>();
const tradeSink = new ByteSink();
const resultSink = new ByteSink();
let buffers: RunBuffers | undefined;

/** Tasks run one after another and are answered in order (the pool relies on it), the asynchronous ones included. */
let queue: Promise<void> = Promise.resolve();

/**
 * TEST HOOK, for tests only (test/unit/pool-worker-exit.test.ts): with
 * PROBE_TEST_WORKER_EXIT=<n>, a worker thread the pool started first (not a
 * replacement) ends with process.exit(1) as it receives its n-th task, as a
 * worker dying of a bug or of running out of memory would; with
 * PROBE_TEST_WORKER_EXIT=<n>:every, replacements do too. Unset, as it is
 * outside tests, it costs one comparison per task.
 */
const exitAtTask = ((): number => {
  const [count, scope] = (process.env.PROBE_TEST_WORKER_EXIT ?? '').split(':');
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1) return 0;
  const replacement = (workerData as { replacement?: boolean } | null)?.replacement === true;
  return replacement && scope !== 'every' ? 0 : n;
})();
let tasksReceived = 0;

port.on('message', (message: ToWorker) => {
  if (exitAtTask > 0 && (message.kind === 'task' || message.kind === 'indicators') && ++tasksReceived === exitAtTask) process.exit(1);
  if (message.kind === 'dataset') {
    // at once: the tasks that use it come after it
    datasets.set(message.datasetId, { series: { length: message.length, time: message.time, columns: message.columns }, message });
    return;
  }
  queue = queue.then(() => handle(message));
});

async function handle(message: Exclude<ToWorker, DatasetMessage>): Promise<void> {
  if (message.kind === 'forget') {
    datasets.delete(message.datasetId);
    return;
  }
  if (message.kind === 'indicators') {
    port.postMessage(await indicators(message).catch((error: unknown) => failed(message.taskId, error)));
    return;
  }
  if (message.kind === 'texts') {
    const reply = await texts(message).catch((error: unknown) => failed(message.taskId, error));
    port.postMessage(reply, reply.kind === 'texts' ? [reply.encoded.buffer as ArrayBuffer] : []);
    return;
  }
  const transfer: ArrayBuffer[] = [];
  let reply: FromWorker;
  try {
    reply = runTask(message, transfer);
  } catch (error) {
    reply = failed(message.taskId, error);
  }
  port.postMessage(reply, transfer);
}

function failed(taskId: number, error: unknown): FromWorker {
  return { kind: 'failed', taskId, message: error instanceof Error ? error.stack ?? error.message : String(error) };
}

/** The indicator code loads with the first such task: a worker that only runs strategies never parses it. */
async function indicators(message: IndicatorsMessage): Promise<FromWorker> {
  const { computeIndicators } = await import('../indicators/compute.js');
  const columns = computeIndicators(message.bars, message.wanted, { engine: message.engine });
  return { kind: 'indicators', taskId: message.taskId, columns };
}

/** A report's text codec loads with the first such task, as the indicators do. */
async function texts(message: TextsMessage): Promise<FromWorker> {
  const { encodeTexts } = await import('../report/html/codec.js');
  const { textHoldsNumberByte } = await import('../report/html/number-byte.js');
  const holds = textHoldsNumberByte(message.text);
  const parts: Uint8Array[] = [];
  const sizes = new Uint32Array(message.groups.length);
  let at = 0;
  message.groups.forEach((n, g) => {
    const part = encodeTexts(message.text, message.starts.subarray(at, at + n), message.ends.subarray(at, at + n), holds);
    parts.push(part);
    sizes[g] = part.length;
    at += n;
  });
  const encoded = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    encoded.set(part, offset);
    offset += part.length;
  }
  return { kind: 'texts', taskId: message.taskId, encoded, sizes };
}

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
  if (message.format === 'copy') return copyRows(message, dataset, strategy, runs, transfer);
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

/** COPY text of a task's combinations, for the database; formatted here, as the CSV lines are. */
function copyRows(message: TaskMessage, dataset: Dataset, strategy: CompiledStrategy, runs: readonly ProfileRun[], transfer: ArrayBuffer[]): FromWorker {
  const { copy } = message;
  const { run, symbol, timeframe } = dataset.message;
  if (!copy || !run) throw new Error(`task ${message.taskId} asks for COPY rows of dataset ${message.datasetId}, which has no run`);
  dataset.copy ??= new CopyRows({ ...run, symbol, timeframe }, dataset.series);
  let trades = 0;
  let rows = 0;
  // the engine's trades of each combination, stored or not: the run's finished combinations record them
  const profileTrades: number[] = [];
  for (const { profile, trades: packedTrades, rows: packedRows } of runs) {
    dataset.copy.results(copy.strategy, profile.name, packedRows, resultSink);
    rows += packedRows.length / ROW_FIELDS;
    const made = tradeCount(packedTrades);
    profileTrades.push(made);
    trades += made;
    if (copy.trades) dataset.copy.trades(copy.strategy, strategy, profile.name, packedTrades, tradeSink);
  }
  const resultBytes = resultSink.take();
  const tradeBytes = copy.trades ? tradeSink.take() : null;
  transfer.push(resultBytes.buffer as ArrayBuffer);
  if (tradeBytes) transfer.push(tradeBytes.buffer as ArrayBuffer);
  return { kind: 'copy', taskId: message.taskId, results: resultBytes, trades: tradeBytes, rowCount: rows, tradeCount: trades, profileTrades };
}
