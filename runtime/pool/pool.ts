import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BarSeries } from '../strategy/bar-series.js';
import type { FromWorker, TaskDone, TaskMessage, ToWorker } from './protocol.js';

type TaskInput = Omit<TaskMessage, 'kind' | 'taskId'>;

interface Slot {
  readonly worker: Worker;
  task: { message: TaskMessage; resolve: (done: TaskDone) => void; reject: (error: Error) => void } | undefined;
}

/**
 * The bundle ships worker.js beside the CLI. Run from TypeScript sources
 * (tests, tsx), a worker first registers tsx's loader, then loads worker.ts.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
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
  private readonly queue: Slot['task'][] = [];
  private nextTaskId = 1;
  private nextDatasetId = 1;
  private failure: Error | undefined;

  constructor(readonly size = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`worker count must be a positive integer, got ${size}`);
    for (let k = 0; k < size; k++) {
      const slot: Slot = { worker: startWorker(), task: undefined };
      slot.worker.on('message', (message: FromWorker) => this.finish(slot, message));
      slot.worker.on('error', (error) => this.fail(error));
      slot.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  /** Shares a series with every worker; returns the id tasks refer to. */
  share(series: BarSeries): number {
    const datasetId = this.nextDatasetId++;
    const message: ToWorker = { kind: 'dataset', datasetId, length: series.length, time: series.time, columns: series.columns };
    for (const slot of this.slots) slot.worker.postMessage(message);
    return datasetId;
  }

  forget(datasetId: number): void {
    for (const slot of this.slots) slot.worker.postMessage({ kind: 'forget', datasetId } satisfies ToWorker);
  }

  run(input: TaskInput): Promise<TaskDone> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<TaskDone>((resolve, reject) => {
      this.queue.push({ message: { kind: 'task', taskId: this.nextTaskId++, ...input }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task === undefined) {
        slot.task = this.queue.shift();
        slot.worker.postMessage(slot.task!.message);
      }
    }
  }

  private finish(slot: Slot, message: FromWorker): void {
    const task = slot.task;
    slot.task = undefined;
    if (task && message.kind === 'done') task.resolve(message);
    else if (task && message.kind === 'failed') task.reject(new Error(message.message));
    this.dispatch();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const slot of this.slots) {
      slot.task?.reject(error);
      slot.task = undefined;
    }
    for (const task of this.queue.splice(0)) task?.reject(error);
  }
}
