import type PgBoss from 'pg-boss';
import type { FastifyInstance } from 'fastify';
import { STRATEGIES } from '../../generated/index.js';
import type { Config } from '../config/config.js';
import { type Database, openDatabase } from '../db/connect.js';
import { initSchema } from '../db/schema.js';
import { probeVersion } from '../version.js';
import { WorkerPool } from '../run/pool.js';
import { createLogger, fastifyLoggerOptions } from '../logger.js';
import { EventLoopLag, type LagFigures } from './event-loop-lag.js';
import { buildServer } from './http/server.js';
import { strategyInfos } from '../registry/strategy-info.js';
import { PgRunService } from './pg-run-service.js';
import { startQueue } from './queue.js';
import { UnitWorker } from './unit-worker.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export class ServeError extends Error {}

export interface RunningService {
  readonly url: string;
  readonly server: FastifyInstance;
  /** Stops taking units, finishes or releases the one in flight within the shutdown timeout, closes everything. */
  shutdown(): Promise<void>;
}

function bytes(size: string): number {
  const [, amount, unit] = /^(\d+)(kb|mb)$/i.exec(size)!;
  return Number(amount) * (unit!.toLowerCase() === 'mb' ? 1024 * 1024 : 1024);
}

/** p50/p99/max in ms, for a log message. */
function describeLag(figures: LagFigures): string {
  return `p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms`;
}

/**
 * `probe serve`: the HTTP API, and a worker taking work units from the
 * PostgreSQL queue. Any number of instances may share one database.
 */
export async function startService(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const token = env.PROBE_API_TOKEN || undefined;
  const { host, port } = config.server;
  if (!LOOPBACK.test(host) && token === undefined) {
    throw new ServeError(`refusing to listen on ${host} without PROBE_API_TOKEN: set it, or listen on 127.0.0.1`);
  }
  const db: Database = await openDatabase(config, env);
  // the queue and the worker pool start before the HTTP server (and its logger): they log here, in the same format
  const log = createLogger(config.logging);
  let workers: WorkerPool | undefined;
  let queue: PgBoss | undefined;
  // one monitor for /health, the periodic log line and the units' log lines; sampling from the start shows what start-up costs
  const lag = new EventLoopLag();
  try {
    if (!db.embedded) await initSchema(db.pool);
    const boss = (queue = await startQueue(db.pool, {
      unitTimeoutSeconds: Math.max(1, Math.round(config.server.unit_timeout / 1000)),
      maintenanceSeconds: Math.max(1, Math.round(config.server.queue_maintenance / 1000)),
      retries: config.server.unit_retries,
      log: log.child({ component: 'queue' }),
    }));
    workers = new WorkerPool(config.engine.max_workers > 0 ? config.engine.max_workers : undefined, { log: log.child({ component: 'pool' }) });
    const pool = workers;
    const service = new PgRunService(db.pool, boss, STRATEGIES, log.child({ component: 'runs' }), workers);
    const server = buildServer({
      service,
      version: probeVersion(),
      token,
      bodyLimit: bytes(config.server.body_limit),
      requestTimeoutMs: config.server.read_timeout,
      serviceTimeoutMs: config.server.write_timeout,
      strategies: strategyInfos(),
      // config.logging's level, format and redaction; a request's lines are logged at `debug` only, failures behind a 500 always
      logger: fastifyLoggerOptions(config.logging),
      eventLoopLag: lag,
      workerRestarts: () => pool.restarts,
    });
    lag.onWindow((figures) => server.log.info({ event: 'event_loop', event_loop_lag_ms: figures }, `event loop lag ${describeLag(figures)}`));
    const unitWorker = new UnitWorker(db.pool, boss, workers, STRATEGIES, {
      batchRows: config.engine.db_batch_size,
      log: server.log,
      eventLoopLag: () => lag.figures(),
    });
    const url = await server.listen({ host, port });
    await unitWorker.start();
    let closing: Promise<void> | undefined;
    return {
      url,
      server,
      shutdown: () =>
        (closing ??= (async () => {
          try {
            await unitWorker.stop(config.server.shutdown_timeout);
            await server.close();
            await pool.close();
            await db.close();
          } finally {
            lag.close();
          }
        })()),
    };
  } catch (error) {
    // everything started so far stops, or its timers (pg-boss's) would keep the process alive
    lag.close();
    await queue?.stop({ graceful: false, close: false, wait: true }).catch((stopError: unknown) => log.warn({ err: stopError }, 'stopping the queue failed'));
    await workers?.close();
    await db.close();
    throw error;
  }
}
