import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../lib/diagnose/redact-secrets';

describe('redactSecrets', () => {
  it('removes a known secret value wherever it appears', () => {
    const secret = 'Xy7~abcdefghijklmnopqrstuvwxyz012345';
    const text = `request failed: client_id=1&secret=${secret} and again ${secret}`;
    const out = redactSecrets(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out.split(REDACTED).length).toBe(3);
  });

  it('removes anything shaped like a JWT or a credential pair', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl';
    const out = redactSecrets(`Bearer ${jwt}; client_secret=hunter22hunter&x=1; AccountKey=abc123==;`);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('hunter22hunter');
    expect(out).not.toContain('abc123==');
    expect(out).toContain('x=1');
  });

  it('leaves ordinary text alone and ignores too-short "secrets"', () => {
    expect(redactSecrets('AADSTS7000222: expired', ['a', undefined])).toBe('AADSTS7000222: expired');
  });
});
