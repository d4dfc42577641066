import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BarSeries } from '../series/bar-series.js';
import type { IndicatorEngine } from '../indicators/engines.js';
import type { Logger } from '../logger.js';
import type { Bars } from '../series/bars.js';
import type {
  CopyDone, CsvDone, DatasetMessage, FromWorker, IndicatorsMessage, PackedDone, TaskDone, TaskMessage, TextsMessage, ToWorker,
} from './protocol.js';

type TaskInput = Omit<TaskMessage, 'kind' | 'taskId' | 'format' | 'copy'>;

interface PendingTask {
  readonly message: TaskMessage | IndicatorsMessage | TextsMessage;
  readonly resolve: (done: TaskDone) => void;
  readonly reject: (error: Error) => void;
  /** Whether a worker died holding it already: it runs once more, not twice more. */
  retried: boolean;
}

interface Slot {
  readonly index: number;
  /** Undefined between a worker's death and its replacement's start. */
  worker: Worker | undefined;
  /** Sent and not yet answered, oldest first; a worker answers in order. */
  readonly tasks: PendingTask[];
  /** Whether the current worker has answered anything yet. */
  answered: boolean;
  /** Deaths in a row of workers that answered nothing: when one held no task, its replacement starts later and later. */
  silentDeaths: number;
  /** The current worker broke the protocol and is being terminated: it gets no more tasks. */
  retiring: boolean;
  /** A replacement waiting for its start. */
  restartTimer: NodeJS.Timeout | undefined;
  /** The worker's uncaught error, reported with its exit. */
  lastError: Error | undefined;
}

/** A worker thread died and was replaced: `retried` tasks it held run again, `failed` had run on a worker that died before. */
export interface WorkerExit {
  readonly kind: 'worker_exit';
  /** Which of the pool's workers (0 to size - 1). */
  readonly worker: number;
  readonly code: number;
  /** The uncaught error it died of, if any (e.g. ERR_WORKER_OUT_OF_MEMORY). */
  readonly error?: string;
  readonly retried: number;
  readonly failed: number;
  /** Workers the pool has replaced so far, this one included. */
  readonly restarts: number;
  /** Milliseconds before its replacement starts (0 unless workers die without tasks, answering nothing). */
  readonly restartInMs: number;
}

export type PoolEvent = WorkerExit;

export interface PoolOptions {
  /** Where a worker's death is logged (warn, event `worker_exit`); default nowhere. */
  readonly log?: Pick<Logger, 'warn'>;
  /** Called with each worker's death. */
  readonly onEvent?: (event: PoolEvent) => void;
}

/**
 * Tasks a worker holds at once: more than one keeps it busy while the main
 * thread is computing indicators and cannot hand out the next task.
 */
const IN_FLIGHT = 4;

/**
 * How long the replacement of a worker that died holding no task and having
 * answered nothing (a worker that cannot start) waits: from the first to the
 * last, doubling with each such death in a row. A worker that dies holding
 * tasks is replaced at once: its tasks run again at most once, so that
 * bounds the restarts.
 */
const RESTART_DELAY_MS = [100, 10_000] as const;

/**
 * The bundle ships worker.js beside cli.js, and this module in a chunk under
 * chunks/ (scripts/bundle.mjs). Run from TypeScript sources (tests, tsx), a
 * worker first registers tsx's loader, then loads worker.ts. `replacement`
 * tells a worker that it replaces one that died (runtime/run/worker.ts's
 * test hook spares replacements).
 */
function startWorker(replacement: boolean): Worker {
  const workerData = { replacement };
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(here.includes('/chunks/') ? '../worker.js' : './worker.js', here), { workerData });
  const source = new URL('./worker.ts', here).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * A fixed set of worker threads running (strategy, dataset) tasks. Datasets
 * are posted once per worker; their SharedArrayBuffer columns are shared,
 * not copied.
 *
 * A worker that dies (out of memory, a bug: any exit the pool did not ask
 * for) is reported and replaced, and its replacement is sent the datasets
 * shared and not yet forgotten; the tasks the dead worker held run again,
 * once: a task that a second worker dies on fails with the exit.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PendingTask[] = [];
  /** The datasets shared and not yet forgotten, for workers that start later. */
  private readonly datasets = new Map<number, DatasetMessage>();
  private nextTaskId = 1;
  private nextDatasetId = 1;
  private closed = false;
  private restartCount = 0;

  constructor(
    readonly size = availableParallelism(),
    private readonly options: PoolOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`worker count must be a positive integer, got ${size}`);
    for (let k = 0; k < size; k++) {
      const slot: Slot = {
        index: k, worker: undefined, tasks: [], answered: false, silentDeaths: 0, retiring: false, restartTimer: undefined, lastError: undefined,
      };
      this.slots.push(slot);
      this.start(slot, false);
    }
  }

  /** Workers replaced after dying, since the pool started. */
  get restarts(): number {
    return this.restartCount;
  }

  private start(slot: Slot, replacement: boolean): void {
    const worker = startWorker(replacement);
    slot.worker = worker;
    slot.answered = false;
    slot.retiring = false;
    slot.lastError = undefined;
    // events of a worker already replaced are no longer this slot's
    worker.on('message', (message: FromWorker) => {
      if (slot.worker === worker) this.finish(slot, message);
    });
    worker.on('error', (error) => {
      if (slot.worker === worker) slot.lastError = error;
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker) this.exited(slot, code);
    });
    for (const message of this.datasets.values()) worker.postMessage(message);
  }

  /** Shares a series with every worker; returns the id tasks refer to. */
  share(series: BarSeries, labels: Pick<DatasetMessage, 'symbol' | 'timeframe' | 'run'>): number {
    const datasetId = this.nextDatasetId++;
    const message: DatasetMessage = {
      kind: 'dataset',
      datasetId,
      length: series.length,
      time: series.time,
      columns: series.columns,
      ...labels,
    };
    this.datasets.set(datasetId, message);
    for (const slot of this.slots) slot.worker?.postMessage(message);
    return datasetId;
  }

  forget(datasetId: number): void {
    this.datasets.delete(datasetId);
    for (const slot of this.slots) slot.worker?.postMessage({ kind: 'forget', datasetId } satisfies ToWorker);
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

  /**
   * A report's justification texts encoded for index.html on a worker
   * (TextsMessage): one Uint8Array per group, in order.
   */
  async texts(text: Uint8Array, starts: Uint32Array, ends: Uint32Array, groups: Uint32Array): Promise<Uint8Array[]> {
    // posting a view clones its whole buffer (trades.csv's, twice the texts): one copy into shared memory instead
    const shared = new Uint8Array(new SharedArrayBuffer(text.length));
    shared.set(text);
    const done = await this.enqueue((taskId) => ({ kind: 'texts', taskId, text: shared, starts, ends, groups }), false);
    if (done.kind !== 'texts') throw new Error(`a worker answered a texts task with ${done.kind}`);
    const out: Uint8Array[] = [];
    let at = 0;
    for (const size of done.sizes) {
      out.push(done.encoded.subarray(at, at + size));
      at += size;
    }
    return out;
  }

  private submit(input: Omit<TaskMessage, 'kind' | 'taskId'>): Promise<TaskDone> {
    return this.enqueue((taskId) => ({ kind: 'task', taskId, ...input }), false);
  }

  private enqueue(message: (taskId: number) => TaskMessage | IndicatorsMessage | TextsMessage, first: boolean): Promise<TaskDone> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<TaskDone>((resolve, reject) => {
      const task = { message: message(this.nextTaskId++), resolve, reject, retried: false };
      if (first) this.queue.unshift(task);
      else this.queue.push(task);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error('the worker pool is closed');
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      for (const task of slot.tasks.splice(0)) task.reject(closed);
    }
    for (const task of this.queue.splice(0)) task.reject(closed);
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
  }

  private dispatch(): void {
    // fill the least loaded worker first, so work spreads evenly
    for (let load = 0; load < IN_FLIGHT; load++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) return;
        if (slot.worker === undefined || slot.retiring || slot.tasks.length > load) continue;
        const task = this.queue.shift()!;
        slot.tasks.push(task);
        slot.worker.postMessage(task.message);
      }
    }
  }

  private finish(slot: Slot, message: FromWorker): void {
    if (slot.retiring) return;
    slot.answered = true;
    slot.silentDeaths = 0;
    const task = slot.tasks[0];
    if (task === undefined || task.message.taskId !== message.taskId) {
      // a worker that breaks the protocol is not to be trusted with more: it is replaced, as a dead one is
      slot.lastError = new Error(`the worker answered task ${message.taskId} out of order`);
      slot.retiring = true;
      void slot.worker?.terminate();
      return;
    }
    slot.tasks.shift();
    if (message.kind === 'failed') task.reject(new Error(message.message));
    else task.resolve(message);
    this.dispatch();
  }

  /**
   * A worker ended without being asked to: its tasks go back to the front of
   * the queue (or fail, if a worker died holding them before), and a
   * replacement starts (see RESTART_DELAY_MS).
   */
  private exited(slot: Slot, code: number): void {
    slot.worker = undefined;
    if (this.closed) return;
    const cause = slot.lastError;
    const death = `a worker thread exited with code ${code}${cause ? ` (${cause.message})` : ''}`;
    const held = slot.tasks.splice(0);
    const again = held.filter((task) => !task.retried);
    const failed = held.filter((task) => task.retried);
    for (const task of failed) task.reject(new Error(`${death} holding the task, the second worker to die holding it`));
    for (const task of again) task.retried = true;
    this.queue.unshift(...again);

    slot.silentDeaths = slot.answered ? 0 : slot.silentDeaths + 1;
    const delay = held.length > 0 || slot.silentDeaths === 0 ? 0 : Math.min(RESTART_DELAY_MS[0] * 2 ** (slot.silentDeaths - 1), RESTART_DELAY_MS[1]);
    this.restartCount++;
    const event: WorkerExit = {
      kind: 'worker_exit',
      worker: slot.index,
      code,
      ...(cause ? { error: cause.message } : {}),
      retried: again.length,
      failed: failed.length,
      restarts: this.restartCount,
      restartInMs: delay,
    };
    this.options.log?.warn(
      { event: 'worker_exit', ...event },
      `${death}; replaced${delay > 0 ? ` in ${delay} ms` : ''}, ${again.length} of its tasks run again` +
        (failed.length > 0 ? `, ${failed.length} failed (a worker had died holding them before)` : ''),
    );
    this.options.onEvent?.(event);
    const restart = (): void => {
      slot.restartTimer = undefined;
      if (this.closed) return;
      this.start(slot, true);
      this.dispatch();
    };
    if (delay === 0) restart();
    else slot.restartTimer = setTimeout(restart, delay);
    // the other workers take the tasks meanwhile
    this.dispatch();
  }

}
