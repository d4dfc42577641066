/**
 * `make bench`, HTTP part: is the service responsive while it works, and
 * are its estimates right? A fresh `probe serve` process (the bundle in
 * dist/, 1 worker thread per core) on the bench database (see
 * bench-support.ts), and this process as its clients:
 *
 *   1. GET /health p99 while the service is idle: one request at a time,
 *      10 ms apart, from a thread of its own (so that the other clients'
 *      traffic does not delay its timer or its responses).
 *   2. A 9-combination run (1 symbol, 1Hour, 3 strategies, 3 risk
 *      profiles): its estimated_seconds against the time from submission to
 *      completed.
 *   3. A 900-combination run (1 symbol, 3 timeframes, every strategy, 3
 *      risk profiles), and while the service processes it: /health p99, and
 *      50 concurrent clients submitting small runs (their p99), which are
 *      cancelled again at once; then its estimate against its duration.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { SYNTHETIC_TIMEFRAMES } from '../runtime/input/synthetic-bars.js';
import { CLI, ROOT, SYMBOLS, benchDatabase, count, dropRuns, freePort, median, percentile, prepareBars, verdict } from './bench-support.js';

const CLIENTS = 50;
const PER_CLIENT = Number(process.env.BENCH_API_PER_CLIENT ?? 10);
const SYMBOL = SYMBOLS[0]!;
const IDLE_MS = 5000;
const HEALTH_GAP_MS = 10;
const HEALTH_P99_TARGET = 25;
const SUBMIT_P99_TARGET = 100;
const ESTIMATE_RANGE = [0.5, 2] as const;

/** Wall-clock milliseconds, comparable between threads. */
const now = (): number => performance.timeOrigin + performance.now();

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS + 5 });

interface Reply<T> {
  readonly status: number;
  readonly body: T;
  readonly ms: number;
}

function call<T>(base: string, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const started = performance.now();
    const req = request(
      `${base}${path}`,
      { method, agent, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (s: string) => (text += s));
        res.on('end', () => {
          const ms = performance.now() - started;
          try {
            done({ status: res.statusCode ?? 0, body: (text === '' ? null : JSON.parse(text)) as T, ms });
          } catch (error) {
            fail(error as Error);
          }
        });
      },
    );
    req.once('error', fail);
    req.end(payload);
  });
}

interface Accepted {
  readonly run_id: string;
  readonly total_combinations: number;
  readonly estimated_seconds: number;
}

interface RunStatusBody {
  readonly status: string;
  readonly progress: { readonly completed: number; readonly total: number; readonly elapsed_seconds: number | null };
  readonly error?: { readonly message: string };
}

/** GET /health one at a time on its own thread and connection, until told to stop; returns [start, ms] pairs. */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let running = true;
parentPort.on('message', () => { running = false; });
const get = () => new Promise((resolve, reject) => {
  const at = performance.timeOrigin + performance.now();
  const started = performance.now();
  const req = http.get(workerData.url + '/health', { agent }, (res) => {
    res.resume();
    res.on('end', () => resolve([at, performance.now() - started, res.statusCode]));
  });
  req.on('error', reject);
});
(async () => {
  const samples = [];
  while (running) {
    samples.push(await get());
    await new Promise((r) => setTimeout(r, workerData.gapMs));
  }
  parentPort.postMessage(samples);
})().catch((error) => parentPort.postMessage(String(error)));
`;

class HealthProber {
  private readonly worker: Worker;
  private readonly samples: Promise<[number, number, number][]>;

  constructor(url: string) {
    this.worker = new Worker(PROBER, { eval: true, workerData: { url, gapMs: HEALTH_GAP_MS } });
    this.samples = new Promise((done, fail) => {
      this.worker.once('message', (m: [number, number, number][] | string) => (typeof m === 'string' ? fail(new Error(m)) : done(m)));
      this.worker.once('error', fail);
    });
    // rejected before stop() awaits it: not an unhandled rejection
    this.samples.catch(() => {});
  }

  async stop(): Promise<[number, number, number][]> {
    this.worker.postMessage('stop');
    const samples = await this.samples;
    await this.worker.terminate();
    const bad = samples.find((s) => s[2] !== 200);
    if (bad) throw new Error(`GET /health answered ${bad[2]}`);
    return samples;
  }
}

/** `probe serve` as a user starts it; resolves once /health answers. */
async function startServe(databaseUrl: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-8000)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`probe serve exited with ${child.exitCode}:\n${stderr}`);
    try {
      if ((await call(url, 'GET', '/health')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`probe serve did not answer within 60 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Submits a run and waits for it; the duration is from sending the submission to seeing it completed (polled every 50 ms). */
async function timedRun(
  url: string,
  body: Record<string, unknown>,
  whileRunning?: () => Promise<void>,
): Promise<{ accepted: Accepted; seconds: number; serviceSeconds: number | null; submitted: number; finished: number }> {
  const submitted = now();
  const reply = await call<Accepted>(url, 'POST', '/api/v1/runs', body);
  if (reply.status !== 202) throw new Error(`POST /api/v1/runs answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  const runId = reply.body.run_id;
  // a failure of the side traffic is rethrown once the run has ended
  let side: Promise<unknown> | undefined;
  let status: RunStatusBody;
  for (;;) {
    status = (await call<RunStatusBody>(url, 'GET', `/api/v1/runs/${runId}`)).body;
    if (status.status === 'running' && whileRunning && !side) side = whileRunning().then(() => undefined, (error: unknown) => error);
    if (status.status === 'completed' || status.status === 'failed' || status.status === 'cancelled') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const finished = now();
  const failure = await side;
  if (failure !== undefined) throw failure;
  if (status.status !== 'completed') throw new Error(`run ${runId} ended ${status.status}: ${status.error?.message ?? ''}`);
  return { accepted: reply.body, seconds: (finished - submitted) / 1000, serviceSeconds: status.progress.elapsed_seconds, submitted, finished };
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;
const healthLine = (label: string, xs: readonly number[], target?: number): string =>
  xs.length === 0
    ? `  /health ${label.padEnd(46)} no requests in this phase`
    : `  /health ${label.padEnd(46)} p99 ${ms(percentile(xs, 99)).padStart(9)}  p50 ${ms(percentile(xs, 50)).padStart(8)}  max ${ms(Math.max(...xs)).padStart(9)}  ` +
      `(${count(xs.length)} requests)${target === undefined ? '' : `  (target <= ${target} ms: ${verdict(percentile(xs, 99) <= target)})`}`;
const estimateLine = (accepted: Accepted, seconds: number, serviceSeconds: number | null): string => {
  const ratio = accepted.estimated_seconds / seconds;
  return (
    `estimated_seconds ${accepted.estimated_seconds} vs actual ${seconds.toFixed(2)} s submit to completed` +
    `${serviceSeconds === null ? '' : ` (the service's own elapsed_seconds ${serviceSeconds})`}: estimate/actual ${ratio.toFixed(2)} ` +
    `(target ${ESTIMATE_RANGE[0]}..${ESTIMATE_RANGE[1]}: ${verdict(ratio >= ESTIMATE_RANGE[0] && ratio <= ESTIMATE_RANGE[1])})`
  );
};

const db = await benchDatabase();
const tag = `bench-api-${process.pid}`;
let service: Awaited<ReturnType<typeof startServe>> | undefined;
try {
  await prepareBars(db.pool, [SYMBOL]);
  console.log(`probe bench (API): a fresh \`probe serve\` on ${db.label}; clients in this process, /health probed from a thread of its own`);
  service = await startServe(db.url);
  const { url } = service;
  const prober = new HealthProber(url);
  const idleFrom = now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleTo = now();

  const small = await timedRun(url, {
    symbols: [SYMBOL], timeframes: ['1Hour'], strategy_ids: [1, 2, 3], risk_profiles: ['low', 'medium', 'high'], run_id: `${tag}-9`,
  });

  /** Each submission: when it was sent, and its milliseconds. */
  const submissions: [number, number][] = [];
  let burst: { from: number; sent: number; to: number } | undefined;
  const clients = async (): Promise<void> => {
    const from = now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let k = 0; k < PER_CLIENT; k++) {
          const sent = now();
          const reply = await call<Accepted>(url, 'POST', '/api/v1/runs', {
            symbols: [SYMBOL], timeframes: ['1Day'], strategy_ids: [1], run_id: `${tag}-s-${client}-${k}`,
          });
          if (reply.status !== 202) throw new Error(`submission answered ${reply.status}: ${JSON.stringify(reply.body)}`);
          submissions.push([sent, reply.ms]);
        }
      }),
    );
    const sent = now();
    // cancelled at once (one at a time), so that the queue is empty again when the large run ends
    for (let client = 0; client < CLIENTS; client++) {
      for (let k = 0; k < PER_CLIENT; k++) await call(url, 'DELETE', `/api/v1/runs/${tag}-s-${client}-${k}`);
    }
    burst = { from, sent, to: now() };
  };
  const large = await timedRun(url, { symbols: [SYMBOL], timeframes: SYNTHETIC_TIMEFRAMES, run_id: `${tag}-900` }, clients);
  if (!burst) throw new Error('the 900-combination run was never seen running');
  const samples = await prober.stop();
  await service.stop();

  const within = (from: number, to: number): number[] => samples.filter(([at, took]) => at >= from && at + took <= to).map(([, took]) => took);
  const b: { from: number; sent: number; to: number } = burst;
  console.log('');
  console.log(`1. responsiveness (GET /health one at a time, ${HEALTH_GAP_MS} ms apart):`);
  console.log(healthLine('idle', within(idleFrom, idleTo)));
  const during = samples.filter(([at, took]) => at >= large.submitted && at + took <= large.finished && (at + took <= b.from || at >= b.to));
  console.log(healthLine(`during the ${large.accepted.total_combinations}-combination run`, during.map(([, took]) => took), HEALTH_P99_TARGET));
  console.log(healthLine(`during it, while ${CLIENTS} clients submit and cancel`, within(b.from, b.to), HEALTH_P99_TARGET));
  const latencies = submissions.map(([, took]) => took);
  const overlapping = submissions.filter(([sent, took]) => sent + took <= large.finished).length;
  console.log(
    `  submissions: ${count(latencies.length)} small runs by ${CLIENTS} concurrent clients in ${((b.sent - b.from) / 1000).toFixed(2)} s during the run: ` +
      `p99 ${ms(percentile(latencies, 99))}, p50 ${ms(median(latencies))}, max ${ms(Math.max(...latencies))}  ` +
      `(target p99 <= ${SUBMIT_P99_TARGET} ms: ${verdict(percentile(latencies, 99) <= SUBMIT_P99_TARGET)})`,
  );
  if (overlapping < latencies.length) console.log(`  (only ${overlapping} of them were answered before the run completed)`);
  console.log('');
  console.log('2. estimates:');
  console.log(`  ${small.accepted.total_combinations} combinations (1 symbol, 1Hour, 3 strategies, 3 risk profiles): ${estimateLine(small.accepted, small.seconds, small.serviceSeconds)}`);
  console.log(`  ${large.accepted.total_combinations} combinations (1 symbol, 3 timeframes, every strategy): ${estimateLine(large.accepted, large.seconds, large.serviceSeconds)}`);
} finally {
  await service?.stop();
  agent.destroy();
  await dropRuns(db.pool, `${tag}-%`).catch(() => {});
  // the cancelled small runs are of no further use (a queued unit of a run no longer there is skipped)
  await db.pool.query(`DELETE FROM probe_service_runs WHERE run_id LIKE $1`, [`${tag}-s-%`]).catch(() => {});
  await db.close();
}
