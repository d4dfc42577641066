import { describe, expect, it } from 'vitest';
import {
  checkSymbols, estimatedSeconds, normalizeSubmission, resubmission, sameRequest, submissionWork,
} from '../../runtime/service/submission.js';
import { type RunRequest, ServiceError } from '../../runtime/service/types.js';

/**
 * The pure parts of a submission (runtime/service/submission.ts), which
 * PgRunService and the test double (test/support/fake-run-service.ts) both
 * call: normalising and counting, judging a resubmission, estimating.
 */
const REQUEST: RunRequest = {
  symbols: ['aapl', 'SPY', 'AAPL'],
  timeframes: ['1Day', '1Hour', '1Day'],
  riskProfiles: ['high', 'low', 'high'],
  strategyIds: [3, 1, 3, 2],
  startDate: '2024-01-01',
  endDate: null,
  persistTrades: true,
  runId: null,
};

function refusal(work: () => unknown): { code: string; details: unknown } | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { code: error.code, details: error.details };
  }
}

describe('normalizeSubmission', () => {
  it('upper-cases symbols, drops duplicates, orders risk profiles as the registry does and names the run', () => {
    const submission = normalizeSubmission(REQUEST, 100, () => 'new-id');
    expect(submission.request).toEqual({
      ...REQUEST,
      symbols: ['AAPL', 'SPY'],
      timeframes: ['1Day', '1Hour'],
      riskProfiles: ['low', 'high'],
      strategyIds: [3, 1, 2],
      runId: 'new-id',
    });
    expect(submission.combinations).toBe(3 * 2);
    expect(submission.units).toEqual([
      { symbol: 'AAPL', timeframe: '1Day' },
      { symbol: 'AAPL', timeframe: '1Hour' },
      { symbol: 'SPY', timeframe: '1Day' },
      { symbol: 'SPY', timeframe: '1Hour' },
    ]);
    expect(submission.total).toBe(2 * 2 * 3 * 2);
  });

  it('counts every strategy for strategy_ids null, and keeps a given run id', () => {
    const submission = normalizeSubmission({ ...REQUEST, strategyIds: null, runId: 'mine' }, 100, () => 'unused');
    expect(submission.request.runId).toBe('mine');
    expect(submission.total).toBe(2 * 2 * 100 * 2);
  });
});

describe('resubmission', () => {
  const stored = normalizeSubmission({ ...REQUEST, runId: 'r' }, 100, () => 'r').request;
  const reordered = normalizeSubmission({ ...REQUEST, symbols: ['SPY', 'aapl'], strategyIds: [2, 1, 3, 1], runId: 'r' }, 100, () => 'r').request;
  const different = normalizeSubmission({ ...REQUEST, strategyIds: [1, 2], runId: 'r' }, 100, () => 'r').request;

  it('takes the lists as sets', () => {
    expect(sameRequest(stored, reordered)).toBe(true);
    expect(sameRequest(stored, different)).toBe(false);
  });

  it('answers a queued or running run as it is, resumes a failed or cancelled one, and always answers a completed one', () => {
    expect(resubmission({ status: 'queued', request: stored }, reordered)).toBe('answer');
    expect(resubmission({ status: 'running', request: stored }, reordered)).toBe('answer');
    expect(resubmission({ status: 'failed', request: stored }, reordered)).toBe('resume');
    expect(resubmission({ status: 'cancelled', request: stored }, reordered)).toBe('resume');
    expect(resubmission({ status: 'completed', request: stored }, different)).toBe('answer');
  });

  it('refuses a different request with CONFLICT, whatever the status short of completed', () => {
    for (const status of ['queued', 'running', 'failed', 'cancelled'] as const) {
      expect(refusal(() => resubmission({ status, request: stored }, different)), status).toEqual({ code: 'CONFLICT', details: { run_id: 'r' } });
    }
  });
});

describe('checkSymbols', () => {
  it('refuses symbols the database lacks, then symbols without bars', () => {
    expect(refusal(() => checkSymbols(['AAPL', 'NOPE'], new Map([['AAPL', 10]])))).toEqual({ code: 'INVALID_SYMBOL', details: { symbols: ['NOPE'] } });
    expect(refusal(() => checkSymbols(['AAPL', 'SPY'], new Map([['AAPL', 10], ['SPY', 0]])))).toEqual({
      code: 'VALIDATION_ERROR',
      details: { field: 'symbols', symbols: ['SPY'] },
    });
    expect(refusal(() => checkSymbols(['AAPL'], new Map([['AAPL', 10]])))).toBeUndefined();
  });
});

describe('the estimate of a new run', () => {
  it('counts only the units with bars, rounded up to a tenth', () => {
    const work = submissionWork([{ bars: 1000 }, { bars: 0 }, { bars: 500 }], 6);
    expect(work).toEqual({ units: 2, bars: 1500, steps: 9000 });
    const rates = { pickupSeconds: 0.5, unitSeconds: 0.1, barSeconds: 1e-4, stepSeconds: 1e-4, tradeFactor: 2 };
    // 0.5 + 2 x 0.1 + 1500 x 1e-4 + 9000 x 1e-4 x 2 = 2.65
    expect(estimatedSeconds(work, { persistTrades: true, queued: true }, rates)).toBe(2.7);
    expect(estimatedSeconds(submissionWork([{ bars: 0 }], 6), { persistTrades: false, queued: true }, rates)).toBe(0);
  });
});
