import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../lib/diagnose/redact-secrets';
import { describeError } from '../../lib/logging/describe-error';

describe('describeError', () => {
  it('gives the message of anything thrown, with token-shaped text redacted', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl';
    expect(describeError(new Error(`request failed with Bearer ${jwt}`))).toBe(
      `request failed with Bearer ${REDACTED}`,
    );
    expect(describeError('plain text')).toBe('Non-error value thrown: plain text');
  });
});
