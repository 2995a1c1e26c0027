import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load-config';
import { assertServiceUrl, checkServiceUrl } from '../../lib/trust/service-host-allow-list';

const PUBLIC = { suffixes: ['blob.core.windows.net', 'api.powerbi.com'], localHosts: [] };
const LOCAL = { suffixes: ['blob.core.windows.net'], localHosts: ['127.0.0.1:41234'] };

describe('checkServiceUrl', () => {
  it('accepts https hosts under a configured suffix', () => {
    expect(checkServiceUrl('https://contosoexports.blob.core.windows.net', PUBLIC).ok).toBe(true);
    expect(checkServiceUrl('https://CONTOSO.Blob.Core.Windows.Net/', PUBLIC).ok).toBe(true);
    expect(checkServiceUrl('https://api.api.powerbi.com/v1.0', PUBLIC).ok).toBe(true);
  });

  it('refuses look-alikes, other schemes, credentials, ports and the bare suffix', () => {
    for (const url of [
      'https://blob.core.windows.net.attacker.example',
      'https://attacker.example/blob.core.windows.net',
      'https://evilblob.core.windows.net',
      'https://blob.core.windows.net',
      'http://contoso.blob.core.windows.net',
      'https://user:pw@contoso.blob.core.windows.net',
      'https://contoso.blob.core.windows.net:8443',
      'https://127.0.0.1:41234',
      'https://[::1]:41234',
      'not a url',
    ]) {
      expect(checkServiceUrl(url, PUBLIC).ok, url).toBe(false);
    }
  });

  it('accepts the exact sandbox hosts in local mode, and no other port', () => {
    expect(checkServiceUrl('https://127.0.0.1:41234/stcontosoexports', LOCAL).ok).toBe(true);
    expect(checkServiceUrl('https://127.0.0.1:41235/stcontosoexports', LOCAL).ok).toBe(false);
  });

  it('throws a 400 naming the field', () => {
    expect(() => assertServiceUrl('https://attacker.example', PUBLIC, 'delivery.blobServiceUrl')).toThrow(
      expect.objectContaining({ kind: 'validation', code: 'ServiceHostNotAllowed' }),
    );
  });
});

describe('SERVICE_HOST_SUFFIXES and LOCAL_SERVICE_HOSTS', () => {
  const base = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', KEY_VAULT_URL: 'https://kv.vault.azure.net' };
  it("defaults to the public cloud's service suffixes and no local hosts", () => {
    const { serviceHosts } = loadConfig(base);
    expect(serviceHosts.suffixes).toContain('blob.core.windows.net');
    expect(serviceHosts.localHosts).toEqual([]);
  });

  it('allows only loopback hosts as local hosts', () => {
    expect(loadConfig({ ...base, LOCAL_SERVICE_HOSTS: '127.0.0.1:1234,localhost:5' }).serviceHosts.localHosts).toEqual([
      '127.0.0.1:1234',
      'localhost:5',
    ]);
    expect(() => loadConfig({ ...base, LOCAL_SERVICE_HOSTS: 'attacker.example:443' })).toThrow(/loopback hosts only/);
  });
});
