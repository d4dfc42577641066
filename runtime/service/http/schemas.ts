import { CATEGORIES, DEFAULT_TIMEFRAMES, DIRECTIONS, RUN_ID_PATTERN, SYMBOL_PATTERN, TIMEFRAME_PATTERN } from '../../registry/vocabulary.js';
import { RISK_PROFILE_NAMES } from '../../engine/risk-profiles.js';
import type { RunStatusName } from '../types.js';
import type { FromParameters, FromSchema } from './schema-types.js';

/**
 * The API's JSON schemas, written once in the OpenAPI 3.0.3 dialect (a JSON
 * Schema subset plus `nullable`): the OpenAPI document publishes them,
 * fastify validates requests and serialises responses with the very same
 * objects, and the TypeScript types of the bodies are worked out of them
 * (ApiBody, schema-types.ts), so none of the three can drift apart.
 */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** An OpenAPI 3.0.3 Schema Object, as far as this API uses it (a type, not an interface: ajv takes it as an indexable object). */
export type JsonSchema = {
  readonly $ref?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly nullable?: boolean;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: 'date' | 'date-time';
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: JsonValue;
};

// ---------------------------------------------------------------- limits

// the registry's vocabulary, shared with the CLI (runtime/registry/vocabulary.ts)
export { DEFAULT_TIMEFRAMES, RUN_ID_PATTERN, SYMBOL_PATTERN, TIMEFRAME_PATTERN };
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
export const MAX_SYMBOLS = 100;
export const MAX_TIMEFRAMES = 20;
export const MAX_RISK_PROFILE_ITEMS = 10;
export const MAX_STRATEGY_IDS = 1000;
export const MAX_INT32 = 2_147_483_647;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
export const LONG_SHORT = ['long', 'short'] as const;
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly RunStatusName[];
export { CATEGORIES, DIRECTIONS, RISK_PROFILE_NAMES };

/** Every `error.code` the API answers with. */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'INVALID_JSON',
  'INVALID_SYMBOL',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'RUN_NOT_FOUND',
  'STRATEGY_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'BAD_REQUEST',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

// ---------------------------------------------------------------- building blocks

// Every schema keeps its literal type (`as const`, and the builders' `const` type parameters): schema-types.ts works the
// TypeScript types of the bodies out of them, so that a body's shape is written here and only here.

const symbol = { type: 'string', pattern: SYMBOL_PATTERN, description: 'A ticker symbol as stored in `tickers.symbol`.' } as const satisfies JsonSchema;
const timeframe = {
  type: 'string',
  maxLength: 16,
  pattern: TIMEFRAME_PATTERN,
  description: 'A bar timeframe: a count from 1 to 9999 and Min, Hour, Day, Week or Month, e.g. 15Min, 1Hour, 1Day.',
} as const satisfies JsonSchema;
const riskProfile = { type: 'string', enum: RISK_PROFILE_NAMES } as const satisfies JsonSchema;
const strategyId = { type: 'integer', minimum: 1, maximum: MAX_INT32 } as const satisfies JsonSchema;
const runId = { type: 'string', pattern: RUN_ID_PATTERN } as const satisfies JsonSchema;
const date = (description: string) =>
  ({
    type: 'string',
    format: 'date',
    pattern: DATE_PATTERN,
    nullable: true,
    description: `${description} A calendar day from 0001-01-01 to 9999-12-31.`,
  }) as const satisfies JsonSchema;
const count = (description: string) => ({ type: 'integer', minimum: 0, description }) as const satisfies JsonSchema;
const lagMs = (description: string) => ({ type: 'number', minimum: 0, description }) as const satisfies JsonSchema;
const seconds = (description: string) => ({ type: 'number', minimum: 0, description }) as const satisfies JsonSchema;
const nullableSeconds = (description: string) => ({ ...seconds(description), nullable: true }) as const satisfies JsonSchema;
/** A closed object: every property required unless `required` names fewer. */
const object = <const P extends Readonly<Record<string, JsonSchema>>, const R extends readonly (keyof P & string)[] = (keyof P & string)[]>(
  properties: P,
  required?: R,
  description?: string,
) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: required ?? (Object.keys(properties) as unknown as R),
    properties,
    ...(description === undefined ? {} : { description }),
  }) as const satisfies JsonSchema;
const ref = <N extends SchemaName>(name: N) => ({ $ref: `#/components/schemas/${name}` as const }) satisfies JsonSchema;

// ---------------------------------------------------------------- requests

export const RunRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['symbols'],
  description: 'A probe run: every (symbol, timeframe, strategy, risk profile) combination. Duplicates in the arrays are ignored.',
  properties: {
    symbols: { type: 'array', minItems: 1, maxItems: MAX_SYMBOLS, items: symbol },
    timeframes: { type: 'array', minItems: 1, maxItems: MAX_TIMEFRAMES, items: timeframe, default: [...DEFAULT_TIMEFRAMES] },
    risk_profiles: { type: 'array', minItems: 1, maxItems: MAX_RISK_PROFILE_ITEMS, items: riskProfile, default: [...RISK_PROFILE_NAMES] },
    strategy_ids: {
      type: 'array',
      nullable: true,
      minItems: 1,
      maxItems: MAX_STRATEGY_IDS,
      items: strategyId,
      default: null,
      description: 'Registry ids of the strategies to run (each must exist); null = all of them.',
    },
    start_date: date('First day (inclusive); null = from the first bar.'),
    end_date: date('Last day (inclusive, not before start_date); null = to the last bar.'),
    persist_trades: { type: 'boolean', default: false, description: 'Also store every trade in strategy_probe_trades.' },
    run_id: { ...runId, nullable: true, default: null, description: 'Names the run; an existing id resumes that run. null = a new id.' },
  },
} as const satisfies JsonSchema;

/** The type fastify hands the handler once RunRequestSchema has passed. */
export type RunRequestBody = FromSchema<typeof RunRequestSchema>;

/** A path or query parameter. */
export interface ParameterDef {
  readonly description: string;
  readonly schema: JsonSchema;
  readonly required?: boolean;
}

export const RUN_ID_PARAM = { description: 'The run id returned by POST /api/v1/runs.', schema: runId, required: true } as const satisfies ParameterDef;
export const STRATEGY_ID_PARAM = { description: 'The strategy registry id.', schema: strategyId, required: true } as const satisfies ParameterDef;

export const RESULTS_QUERY = {
  symbol: { description: 'Only this symbol.', schema: symbol },
  timeframe: { description: 'Only this timeframe.', schema: timeframe },
  strategy_id: { description: 'Only this strategy.', schema: strategyId },
  risk_profile: { description: 'Only this risk profile.', schema: riskProfile },
  long_short: { description: 'Only long or only short trades.', schema: { type: 'string', enum: LONG_SHORT } },
  limit: { description: `Page size (at most ${MAX_LIMIT}).`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
  offset: { description: 'Rows to skip.', schema: { type: 'integer', minimum: 0, maximum: MAX_INT32, default: 0 } },
} as const satisfies Readonly<Record<string, ParameterDef>>;

export type ResultsQuery = FromParameters<typeof RESULTS_QUERY>;

/** /summary takes /results' filters and paging; long_short computes each row from that side's trades only. */
export const SUMMARY_QUERY = {
  ...RESULTS_QUERY,
  long_short: { description: 'Only long or only short trades: each row\'s metrics from those trades alone.', schema: { type: 'string', enum: LONG_SHORT } },
} as const satisfies Readonly<Record<string, ParameterDef>>;

export const STRATEGIES_QUERY = {
  category: { description: 'Only strategies of this category.', schema: { type: 'string', enum: CATEGORIES } },
} as const satisfies Readonly<Record<string, ParameterDef>>;

export type StrategiesQuery = FromParameters<typeof STRATEGIES_QUERY>;

// ---------------------------------------------------------------- responses

const progress = object(
  {
    completed: count('Combinations finished.'),
    total: count('Combinations in the run.'),
    elapsed_seconds: nullableSeconds('Seconds since the run started (or until it finished); null while queued.'),
    estimated_seconds: seconds(
      'Rough seconds until the work left is done, by the same model as the submission\'s estimated_seconds; only while queued or running.',
    ),
  },
  ['completed', 'total', 'elapsed_seconds'],
);

const summaryProperties = {
  id: { ...strategyId, description: 'Registry id.' },
  name: { type: 'string' },
  display_name: { type: 'string' },
  category: { type: 'string', enum: CATEGORIES },
  direction: { type: 'string', enum: DIRECTIONS },
  tags: { type: 'array', items: { type: 'string' } },
  version: { type: 'integer', minimum: 1 },
} as const satisfies Readonly<Record<string, JsonSchema>>;

const conditions = (description: string) => ({ type: 'array', items: ref('Condition'), description }) as const satisfies JsonSchema;
const multiplier = (description: string) => ({ type: 'number', nullable: true, description }) as const satisfies JsonSchema;

const metric = (description: string) => ({ type: 'number', nullable: true, description }) as const satisfies JsonSchema;

export const SCHEMA_NAMES = [
  'RunRequest', 'RunAccepted', 'RunSummary', 'RunStatus', 'ResultItem', 'ResultPage', 'SummaryItem', 'SummaryPage', 'ReportHtml',
  'StrategySummary', 'StrategyList',
  'Condition', 'StrategyDetail', 'Health', 'OpenApiDocument', 'Error',
] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const COMPONENT_SCHEMAS = {
  RunRequest: RunRequestSchema,
  RunAccepted: object({
    run_id: runId,
    status: { type: 'string', enum: RUN_STATUSES },
    total_combinations: count('symbols x timeframes x strategies x risk profiles.'),
    estimated_seconds: seconds(
      'Rough seconds the run\'s work takes on one instance: per work unit a fixed time, a time per bar in the range and a time per ' +
        'bar and combination (more when trades are stored), learned from the units finished in the last week. Excludes waiting ' +
        'behind other runs\' units; several instances sharing the run finish it sooner.',
    ),
  }),
  RunSummary: object({
    total_combinations: count('Combinations in the run.'),
    total_trades: count('Trades the run produced.'),
    total_result_records: count('Rows written to strategy_probe_results.'),
    elapsed_seconds: seconds('Seconds from start to finish.'),
  }),
  RunStatus: object(
    {
      run_id: runId,
      status: { type: 'string', enum: RUN_STATUSES },
      progress,
      summary: ref('RunSummary'),
      error: object({ message: { type: 'string' } }, undefined, 'Why the run failed (only when status is failed).'),
    },
    ['run_id', 'status', 'progress'],
    'summary only when completed; error only when failed.',
  ),
  ResultItem: object({
    strategy_id: strategyId,
    strategy_name: { type: 'string' },
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    risk_profile: { type: 'string' },
    open_day: { type: 'string', description: 'Day the trades opened (YYYY-MM-DD).' },
    open_hour: { type: 'integer', minimum: 0, maximum: 23 },
    long_short: { type: 'string' },
    num_trades: count('Trades in this bucket.'),
    pnl_mean: { type: 'number' },
    pnl_std: { type: 'number' },
    max_drawdown: { type: 'number' },
    max_profit: { type: 'number' },
  }),
  ResultPage: object({
    results: { type: 'array', items: ref('ResultItem') },
    total: count('Rows matching the filters, all pages.'),
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
    offset: { type: 'integer', minimum: 0 },
  }),
  SummaryItem: object(
    {
      symbol: { type: 'string' },
      timeframe: { type: 'string' },
      strategy_id: { ...strategyId, description: 'Registry id.' },
      strategy_name: { type: 'string' },
      risk_profile: riskProfile,
      trades: count('Trades of the combination.'),
      long_trades: count('Long trades.'),
      short_trades: count('Short trades.'),
      win_rate: metric('The share of trades with pnl > 0; null without trades.'),
      avg_pnl: metric('Mean pnl (pnl_pct as a fraction); null without trades.'),
      avg_win: metric('Mean pnl of the trades with pnl > 0; null without such trades.'),
      avg_loss: metric('Mean pnl of the trades with pnl < 0; null without such trades.'),
      profit_factor: metric('Sum of the positive pnl / -(sum of the negative pnl); null without losses.'),
      total_return: metric('prod(1 + pnl) - 1, trades by exit time; null without trades.'),
      max_drawdown: metric('The largest 1 - equity/peak of the compounded equity curve (starting at 1); null without trades.'),
      sharpe_per_trade: metric('mean(pnl) / sample standard deviation, not annualised; null with fewer than 2 trades or no deviation.'),
      avg_bars_held: metric('Mean bars held; null without trades.'),
      exits_stop: count('Trades closed by the stop loss.'),
      exits_target: count('Trades closed at the profit target.'),
      exits_trailing: count('Trades closed by the trailing stop.'),
      exits_time: count('Trades closed by the time stop.'),
      exits_signal: count('Trades closed by an exit signal.'),
      never_trades: { type: 'string', nullable: true, description: 'The compiler\'s reason when the strategy can never trade, else null.' },
    },
    undefined,
    'One (symbol, timeframe, strategy, risk profile) of the run: the columns of `probe report`\'s summary.csv.',
  ),
  SummaryPage: object({
    summary: { type: 'array', items: ref('SummaryItem'), description: 'In the reference order: symbol, timeframe, strategy id, risk profile low/medium/high.' },
    total: count('Rows matching the filters, all pages.'),
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
    offset: { type: 'integer', minimum: 0 },
    verification: {
      type: 'string',
      nullable: true,
      description:
        'null when the run stored its trades; else the trades were recomputed and this says whether they aggregate to exactly ' +
        'the stored results ("verified against the stored results (N rows)") or names the first difference.',
    },
  }),
  ReportHtml: {
    type: 'string',
    description: 'The report of `probe report --run-id`: one self-contained HTML page (no network needed to view it).',
  },
  StrategySummary: object(summaryProperties),
  StrategyList: object({ strategies: { type: 'array', items: ref('StrategySummary') } }),
  Condition: {
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string', description: 'The condition type (docs/registry.md); its parameters sit beside it.' } },
    additionalProperties: true,
    description: 'One entry or exit condition, exactly as in strategies.json.',
  },
  StrategyDetail: object({
    ...summaryProperties,
    philosophy: { type: 'string' },
    entry_long: conditions('All must hold to open a long position.'),
    entry_short: conditions('All must hold to open a short position.'),
    exit_long: conditions('Any closes a long position.'),
    exit_short: conditions('Any closes a short position.'),
    atr_stop_mult: multiplier('Stop loss in ATRs from the entry (before the risk profile scales it); null = none.'),
    atr_target_mult: multiplier('Profit target in ATRs; null = none.'),
    trailing_atr_mult: multiplier('Trailing stop in ATRs; null = none.'),
    time_stop_bars: { type: 'integer', minimum: 1, nullable: true, description: 'Bars after which a position is closed; null = none.' },
    required_indicators: { type: 'array', items: { type: 'string' } },
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description:
        'What the compiler proved about the strategy as compiled, one sentence each: conditions that can never be true (and the ' +
        'side they block), then the strategies it trades identically to (same conditions, exit parameters and direction). Empty when none.',
    },
  }),
  Health: object({
    status: {
      type: 'string',
      enum: ['ok', 'degraded'],
      description: 'degraded when the database does not answer: then the response is 503 SERVICE_UNAVAILABLE, with these fields in its `details`.',
    },
    version: { type: 'string' },
    strategies_loaded: count('Strategies in the registry.'),
    uptime_seconds: count('Whole seconds since the server started.'),
    database: { type: 'string', enum: ['ok', 'unreachable'] },
    event_loop_lag_ms: object(
      {
        p50: lagMs('Median lag.'),
        p99: lagMs('99th percentile lag.'),
        max: lagMs('Largest lag.'),
      },
      undefined,
      'How late the server\'s event loop ran a 10 ms timer, in milliseconds (0 = on time): a lag of L ms delays every request ' +
        'by up to L ms. Measured in windows of 60 s: the current window once it is 10 s old, else the previous one; all 0 ' +
        'only before the first sample. The same figures are logged (event `event_loop`) as each window ends.',
    ),
    worker_restarts: count(
      'Worker threads that died (out of memory, a bug) and were replaced since the server started; the tasks a dead thread held ' +
        'ran again on a fresh one. Each death is logged (event `worker_exit`).',
    ),
  }),
  OpenApiDocument: {
    type: 'object',
    required: ['openapi', 'info', 'paths', 'components'],
    properties: {
      openapi: { type: 'string', enum: ['3.0.3'] },
      info: { type: 'object', additionalProperties: true },
      paths: { type: 'object', additionalProperties: true },
      components: { type: 'object', additionalProperties: true },
    },
    additionalProperties: true,
    description: 'This document.',
  },
  Error: object({
    error: object({
      code: { type: 'string', enum: ERROR_CODES },
      message: { type: 'string' },
      details: {
        type: 'object',
        nullable: true,
        additionalProperties: true,
        description:
          'For VALIDATION_ERROR: `in` (body, query, path) and `field` (e.g. symbols[2]) or `parameter` (e.g. limit); for a body ' +
          'field refused by the schema, also `value`, the value refused (a string, clipped to 64 characters, a number or a boolean).',
      },
    }),
  }),
} as const satisfies Readonly<Record<SchemaName, JsonSchema>>;

/** The JSON of a component schema, as a TypeScript type: what a handler returns for a response of that schema. */
export type ApiBody<N extends SchemaName> = FromSchema<(typeof COMPONENT_SCHEMAS)[N], typeof COMPONENT_SCHEMAS>;
