import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BarSeries } from '../strategy/bar-series.js';
import type { IndicatorEngine } from '../indicators/engines.js';
import type { Bars } from '../series/bars.js';
import type {
  CopyDone, CsvDone, DatasetMessage, FromWorker, IndicatorsMessage, PackedDone, TaskDone, TaskMessage, ToWorker,
} from './protocol.js';

type TaskInput = Omit<TaskMessage, 'kind' | 'taskId' | 'format' | 'copy'>;

interface PendingTask {
  readonly message: TaskMessage | IndicatorsMessage;
  readonly resolve: (done: TaskDone) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  /** Sent and not yet answered, oldest first; a worker answers in order. */
  readonly tasks: PendingTask[];
}

/**
 * Tasks a worker holds at once: more than one keeps it busy while the main
 * thread is computing indicators and cannot hand out the next task.
 */
const IN_FLIGHT = 4;

/**
 * The bundle ships worker.js beside cli.js, and this module in a chunk under
 * chunks/ (scripts/bundle.mjs). Run from TypeScript sources (tests, tsx), a
 * worker first registers tsx's loader, then loads worker.ts.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(here.includes('/chunks/') ? '../worker.js' : './worker.js', here));
  const source = new URL('./worker.ts', here).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * A fixed set of worker threads running (strategy, dataset) tasks. Datasets
 * are posted once per worker; their SharedArrayBuffer columns are shared,
 * not copied.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PendingTask[] = [];
  private nextTaskId = 1;
  private nextDatasetId = 1;
  private failure: Error | undefined;

  constructor(readonly size = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`worker count must be a positive integer, got ${size}`);
    for (let k = 0; k < size; k++) {
      const slot: Slot = { worker: startWorker(), tasks: [] };
      slot.worker.on('message', (message: FromWorker) => this.finish(slot, message));
      slot.worker.on('error', (error) => this.fail(error));
      slot.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  /** Shares a series with every worker; returns the id tasks refer to. */
  share(series: BarSeries, labels: Pick<DatasetMessage, 'symbol' | 'timeframe' | 'run'>): number {
    const datasetId = this.nextDatasetId++;
    const message: ToWorker = {
      kind: 'dataset',
      datasetId,
      length: series.length,
      time: series.time,
      columns: series.columns,
      ...labels,
    };
    for (const slot of this.slots) slot.worker.postMessage(message);
    return datasetId;
  }

  forget(datasetId: number): void {
    for (const slot of this.slots) slot.worker.postMessage({ kind: 'forget', datasetId } satisfies ToWorker);
  }

  /** Runs a task; its trades and rows come back packed. */
  async run(input: TaskInput): Promise<PackedDone> {
    const done = await this.submit({ ...input, format: 'packed' });
    if (done.kind !== 'packed') throw new Error(`a worker answered a packed task with ${done.kind}`);
    return done;
  }

  /** Runs a task; its trades.csv and results.csv lines come back as UTF-8 bytes. */
  async runCsv(input: TaskInput): Promise<CsvDone> {
    const done = await this.submit({ ...input, format: 'csv' });
    if (done.kind !== 'csv') throw new Error(`a worker answered a csv task with ${done.kind}`);
    return done;
  }

  /** Runs a task; its rows (and trades, if asked) come back as COPY text for the database. */
  async runCopy(input: TaskInput & Required<Pick<TaskMessage, 'copy'>>): Promise<CopyDone> {
    const done = await this.submit({ ...input, format: 'copy' });
    if (done.kind !== 'copy') throw new Error(`a worker answered a copy task with ${done.kind}`);
    return done;
  }

  /**
   * Indicator columns of `bars`, computed on a worker: the caller's thread
   * stays free (the service's serves HTTP). Ahead of every queued task, as
   * the tasks of these bars wait for it.
   */
  async indicators(bars: Bars, wanted: readonly string[], engine: IndicatorEngine): Promise<ReadonlyMap<string, Float64Array>> {
    const done = await this.enqueue((taskId) => ({ kind: 'indicators', taskId, bars, wanted, engine }), true);
    if (done.kind !== 'indicators') throw new Error(`a worker answered an indicators task with ${done.kind}`);
    return done.columns;
  }

  private submit(input: Omit<TaskMessage, 'kind' | 'taskId'>): Promise<TaskDone> {
    return this.enqueue((taskId) => ({ kind: 'task', taskId, ...input }), false);
  }

  private enqueue(message: (taskId: number) => TaskMessage | IndicatorsMessage, first: boolean): Promise<TaskDone> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<TaskDone>((resolve, reject) => {
      const task = { message: message(this.nextTaskId++), resolve, reject };
      if (first) this.queue.unshift(task);
      else this.queue.push(task);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    // fill the least loaded worker first, so work spreads evenly
    for (let load = 0; load < IN_FLIGHT; load++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) return;
        if (slot.tasks.length > load) continue;
        const task = this.queue.shift()!;
        slot.tasks.push(task);
        slot.worker.postMessage(task.message);
      }
    }
  }

  private finish(slot: Slot, message: FromWorker): void {
    const task = slot.tasks.shift();
    if (task === undefined || task.message.taskId !== message.taskId) {
      this.fail(new Error(`worker answered task ${message.taskId} out of order`));
      return;
    }
    if (message.kind === 'failed') task.reject(new Error(message.message));
    else task.resolve(message);
    this.dispatch();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const slot of this.slots) for (const task of slot.tasks.splice(0)) task.reject(error);
    for (const task of this.queue.splice(0)) task.reject(error);
  }
}
