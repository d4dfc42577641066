import pino, { type DestinationStream, type LevelWithSilent, type LogFn, type Logger, type LoggerOptions } from 'pino';
import { createRequire } from 'node:module';
import type { LoggingConfig } from './config/config.js';

/** pino-pretty is loaded only when asked for: JSON logs (off a terminal) never pay for it. */
const loadPretty = (): typeof import('pino-pretty') => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

export type { Logger };

/**
 * Fields whose values never reach a log line, at the top of a logged object
 * or one or two levels down (pino's `redact`).
 */
const SECRET_KEYS = ['password', 'token', 'authorization', 'apiToken', 'api_token', 'secret', 'cookie'];
/** Fields holding connection strings: logged with the password masked, like runtime/db/connect.ts's redact(). */
const URL_KEYS = ['connectionString', 'databaseUrl', 'database_url', 'DATABASE_URL', 'url'];

export const REDACT_PATHS = [...SECRET_KEYS, ...URL_KEYS].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** `scheme://user:secret@host` anywhere in `text` -> `scheme://user:***@host`. */
export function scrubSecrets(text: string): string {
  return text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:"']*:)[^\s/@"']+@/g, '$1***@');
}

function censor(value: unknown, path: string[]): unknown {
  const key = path.at(-1) ?? '';
  if (URL_KEYS.includes(key) && typeof value === 'string') return scrubSecrets(value);
  return '[redacted]';
}

const INFO = 30;

/** The format lines are written in: `auto` is pretty when they go to a terminal, so a person reads lines and a program reads JSON. */
export function formatFor(format: LoggingConfig['format'], target: number | DestinationStream = 2): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return target === 2 && process.stderr.isTTY === true ? 'pretty' : 'json';
}

/**
 * pino options for a logging config: the level, redaction, ISO times, and a
 * hook that masks passwords in connection strings inside messages and
 * demotes a request's `info` lines (fastify's `incoming request`,
 * `request completed`, ...: their loggers carry a reqId) to `debug`, so
 * that they appear only at level debug. Warnings and errors stay as they are.
 */
export function loggerOptions(logging: LoggingConfig, target: number | DestinationStream = 2): LoggerOptions {
  return {
    level: logging.level,
    redact: { paths: REDACT_PATHS, censor },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(formatFor(logging.format, target) === 'json' ? { formatters: { level: (label: string) => ({ level: label }) } } : {}),
    hooks: {
      logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
        const scrubbed = args.map((a: unknown) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<LogFn>;
        if (level === INFO && 'reqId' in this.bindings()) {
          this.debug(...scrubbed);
          return;
        }
        method.apply(this, scrubbed);
      },
    },
  };
}

/** A line kept at the bottom of the terminal, such as a progress bar, that log lines must not run into. */
export interface StatusLine {
  /** Wipes the line, leaving the cursor at its start, for a log line to take its place. */
  clear(): void;
  /** Draws it again, below the log line just written. */
  redraw(): void;
}

let statusLine: StatusLine | undefined;

/** Log lines written to stderr from now on clear `line` first and redraw it after; undefined when it is gone. */
export function setStatusLine(line: StatusLine | undefined): void {
  statusLine = line;
}

/** `stream` writing each line above the status line, when there is one. */
function aboveStatusLine(stream: DestinationStream): DestinationStream {
  return {
    write(line: string): void {
      const status = statusLine;
      status?.clear();
      stream.write(line);
      status?.redraw();
    },
  };
}

/**
 * Where log lines go: `target` is stderr by default (stdout is the
 * command's output), or any stream (tests). Lines are written synchronously,
 * so that none is lost when the process ends; `pretty` formats them with
 * pino-pretty in this thread before they reach the target. On stderr they
 * step around a progress bar (setStatusLine).
 */
export function logDestination(logging: LoggingConfig, target: number | DestinationStream = 2): DestinationStream {
  const destination = formatFor(logging.format, target) === 'pretty' ? prettyStream(target) : jsonStream(target);
  return target === 2 ? aboveStatusLine(destination) : destination;
}

function prettyStream(target: number | DestinationStream): DestinationStream {
  const colorize = target === 2 && process.stderr.isTTY === true;
  return loadPretty()({ destination: target, sync: true, colorize, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
}

function jsonStream(target: number | DestinationStream): DestinationStream {
  return typeof target === 'number' ? pino.destination({ fd: target, sync: true }) : target;
}

/** The logger of a command, from config.logging; see logDestination for `target`. */
export function createLogger(logging: LoggingConfig, target: number | DestinationStream = 2): Logger {
  return pino(loggerOptions(logging, target), logDestination(logging, target));
}

/** fastify's `logger` option for the same logging: fastify builds its own pino from these options. */
export function fastifyLoggerOptions(
  logging: LoggingConfig,
  target: number | DestinationStream = 2,
): LoggerOptions & { stream: DestinationStream; level: LevelWithSilent } {
  return { ...loggerOptions(logging, target), level: logging.level, stream: logDestination(logging, target) };
}
