import { describe, expect, it } from 'vitest';
import { parseCollectMessage } from '../../lib/collect/collect-message';
import { isAppError } from '../../lib/errors/app-error';

const valid = {
  version: 1,
  runId: '20261122T0900Z-1a2b3c4d',
  customerId: 'contoso',
  windowStart: '2026-11-22T09:00:00.000Z',
  windowEnd: '2026-11-22T10:00:00.000Z',
};

function errorOf(input: unknown) {
  try {
    parseCollectMessage(input);
  } catch (error) {
    return error;
  }
  throw new Error('expected a validation error');
}

describe('parseCollectMessage', () => {
  it('accepts a valid message and defaults the trigger to schedule', () => {
    expect(parseCollectMessage(valid)).toEqual({ ...valid, trigger: 'schedule' });
  });

  it('accepts the message as a JSON string, as a trigger may deliver it', () => {
    expect(parseCollectMessage(JSON.stringify(valid)).customerId).toBe('contoso');
  });

  it('rejects non-JSON text with a non-retryable validation error', () => {
    const error = errorOf('not json{');
    expect(isAppError(error) && error.kind === 'validation' && !error.retryable).toBe(true);
  });

  it('names every problem of a bad message at once', () => {
    const error = errorOf({ ...valid, customerId: 'Bad Id!', windowStart: 'yesterday', version: 2 });
    expect(isAppError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('customerId');
    expect(message).toContain('windowStart');
    expect(message).toContain('version');
  });

  it('rejects a window that ends before it starts', () => {
    const error = errorOf({ ...valid, windowStart: valid.windowEnd, windowEnd: valid.windowStart });
    expect((error as Error).message).toContain('windowStart must be before windowEnd');
  });
});
