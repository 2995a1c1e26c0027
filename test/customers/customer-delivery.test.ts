import { describe, expect, it } from 'vitest';
import { deliverySchema } from '../../lib/customers/customer';
import { CustomerRegistry } from '../../lib/customers/customer-registry';

const valid = { blobServiceUrl: 'https://contosoexports.blob.core.windows.net/', container: 'ctc-snapshots' };

describe('customer delivery target', () => {
  it('accepts an https blob endpoint and trims its trailing slash', () => {
    expect(deliverySchema.parse(valid)).toEqual({
      blobServiceUrl: 'https://contosoexports.blob.core.windows.net',
      container: 'ctc-snapshots',
    });
  });

  it('accepts a path-style endpoint naming the account (Azurite, the sandbox)', () => {
    expect(
      deliverySchema.parse({ ...valid, blobServiceUrl: 'https://127.0.0.1:10000/devstoreaccount1' }).blobServiceUrl,
    ).toBe('https://127.0.0.1:10000/devstoreaccount1');
  });

  it.each([
    ['plain http', 'http://contosoexports.blob.core.windows.net'],
    ['a SAS token in the query', 'https://contosoexports.blob.core.windows.net?sv=2024-01-01&sig=abc'],
    ['a container path', 'https://contosoexports.blob.core.windows.net/ctc-snapshots/x'],
    ['not a URL', 'contosoexports'],
  ])('rejects %s as blob service URL', (_case, blobServiceUrl) => {
    expect(deliverySchema.safeParse({ ...valid, blobServiceUrl }).success).toBe(false);
  });

  it.each(['ab', 'Snapshots', 'ctc--snapshots', '-snapshots', 'snapshots-', 'ctc_snapshots', 'a'.repeat(64)])(
    'rejects the container name %s',
    (container) => {
      expect(deliverySchema.safeParse({ ...valid, container }).success).toBe(false);
    },
  );

  it('names the delivery field in the validation error of a customer', () => {
    expect(() =>
      CustomerRegistry.validate({
        id: 'contoso',
        displayName: 'Contoso',
        tenantId: 'c0c0c0c0-0000-4000-8000-000000000001',
        clientId: 'c0c0c0c0-0000-4000-8000-000000000003',
        delivery: { ...valid, container: 'Bad_Name' },
      }),
    ).toThrow(/delivery\.container/);
  });
});
