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

describe('redactSecrets in JSON and PEM', () => {
  it('removes secret-bearing JSON fields and private keys, keeping the rest', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const text = `{"value":"s3cr3t-value-123456","id":"https://kv/secrets/a/1","client_secret": "abc\\"def"} ${pem}`;
    const out = redactSecrets(text);
    expect(out).not.toContain('s3cr3t-value-123456');
    expect(out).not.toContain('abc\\"def');
    expect(out).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(out).toContain('"id":"https://kv/secrets/a/1"');
    expect(out).toContain(`"value":"${REDACTED}"`);
  });
});
