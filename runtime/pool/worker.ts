import { parentPort } from 'node:worker_threads';
import { STRATEGIES } from '../../generated/index.js';
import { RISK_PROFILES } from '../engine/risk-profiles.js';
import { RunBuffers, runStrategy } from '../run/strategy-run.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('runtime/pool/worker.ts runs only as a worker thread');

const strategies = new Map(STRATEGIES.map((s) => [s.id, s]));
const datasets = new Map<number, BarSeries>();
let buffers: RunBuffers | undefined;

port.on('message', (message: ToWorker) => {
  if (message.kind === 'dataset') {
    datasets.set(message.datasetId, { length: message.length, time: message.time, columns: message.columns });
    return;
  }
  if (message.kind === 'forget') {
    datasets.delete(message.datasetId);
    return;
  }
  let reply: FromWorker;
  const transfer: ArrayBuffer[] = [];
  try {
    const series = datasets.get(message.datasetId);
    const strategy = strategies.get(message.strategyId);
    if (!series) throw new Error(`unknown dataset ${message.datasetId}`);
    if (!strategy) throw new Error(`unknown strategy ${message.strategyId}`);
    buffers = RunBuffers.ensure(buffers, series.length);
    const runs = runStrategy(series, strategy, message.profiles.map((p) => RISK_PROFILES[p]), buffers);
    const trades = runs.map((r) => r.trades);
    const rows = runs.map((r) => r.rows);
    for (const a of [...trades, ...rows]) transfer.push(a.buffer as ArrayBuffer);
    reply = { kind: 'done', taskId: message.taskId, trades, rows };
  } catch (error) {
    reply = { kind: 'failed', taskId: message.taskId, message: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  port.postMessage(reply, transfer);
});
