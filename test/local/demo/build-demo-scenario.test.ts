import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { MonitorClient } from '@azure/arm-monitor';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerSchema, defaultSecretName, type Customer } from '../../../lib/customers/customer';
import { buildDemoScenario, type DemoScenario } from '../../../lib/local/demo/build-demo-scenario';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';

const ARM_SCOPES = ['https://management.azure.com/.default'];
const WINDOW = { timespan: '2026-03-02T09:00:00Z/2026-03-02T10:00:00Z', interval: 'PT5M' };

describe('buildDemoScenario', () => {
  let scenario: DemoScenario;
  let sandbox: SandboxCloud;
  let vault: SecretClient;

  const customer = (id: string): Customer => {
    const input = scenario.customers.find((c) => c.id === id);
    const parsed = customerSchema.parse(input);
    return { ...parsed, secretName: parsed.secretName ?? defaultSecretName(parsed.id) };
  };
  /** What the worker does: secret from Key Vault with the managed identity, token in the customer's tenant. */
  const credentialFor = async (c: Customer) => {
    const secret = await vault.getSecret(c.secretName);
    return new ClientSecretCredential(c.tenantId, c.clientId, secret.value ?? '', {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
  };
  const monitorFor = async (c: Customer, resourceId: string) =>
    new MonitorClient(await credentialFor(c), resourceId.split('/')[2] ?? '', {
      endpoint: sandbox.urls.arm,
      credentials: { scopes: ARM_SCOPES },
      retryOptions: { maxRetries: 0 },
    });
  const resource = (c: Customer, type: string) => {
    const found = c.resources.find((r) => r.resourceId.includes(`/${type}/`));
    if (!found) throw new Error(`${c.id} has no ${type}`);
    return found;
  };

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    trustCertificate(certificate.caPem);
    scenario = buildDemoScenario();
    sandbox = await startSandboxCloud({ certificate, seed: scenario.seed });
    process.env.IDENTITY_ENDPOINT = sandbox.urls.identityEndpoint;
    process.env.IDENTITY_HEADER = sandbox.identityHeader;
    vault = new SecretClient(
      sandbox.urls.keyVault,
      new ManagedIdentityCredential({ clientId: sandbox.managedIdentity.clientId }),
      {
        disableChallengeResourceVerification: true,
      },
    );
  });
  afterAll(async () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    await sandbox.close();
  });

  it('describes valid customers with stable ids and fresh random secrets', () => {
    expect(scenario.customers.map((c) => customerSchema.parse(c).id)).toEqual(
      expect.arrayContaining(['contoso', 'fabrikam', 'northwind', 'tailspin', 'adatum', 'litware', 'wingtip']),
    );
    const again = buildDemoScenario();
    expect(again.customers).toEqual(scenario.customers);
    expect(again.seed.vaultSecrets?.[0]?.value).not.toBe(scenario.seed.vaultSecrets?.[0]?.value);
    expect(scenario.seed.vaultSecrets?.map((s) => s.name)).toEqual([
      'customer-contoso-secret',
      'customer-fabrikam-secret',
      'customer-northwind-secret',
      // wingtip's certificate (PEM with key); adatum and litware are secretless.
      'customer-wingtip-secret',
    ]);
  });

  it('contoso: collects Power BI and VM metrics and reads the Fabric capacity state', async () => {
    const contoso = customer('contoso');
    const pbiTarget = resource(contoso, 'Microsoft.PowerBIDedicated/capacities');
    const monitor = await monitorFor(contoso, pbiTarget.resourceId);
    const metrics = await monitor.metrics.list(pbiTarget.resourceId, {
      ...WINDOW,
      metricnames: pbiTarget.metrics.join(','),
      aggregation: pbiTarget.aggregations.join(','),
    });
    expect(metrics.value.map((m) => m.name.value)).toEqual(['cpu_metric', 'overload_metric']);
    expect(metrics.value[0]?.timeseries?.[0]?.data).toHaveLength(12);

    const vm = resource(contoso, 'virtualMachines');
    const vmMetrics = await monitor.metrics.list(vm.resourceId, {
      ...WINDOW,
      metricnames: 'Percentage CPU',
      aggregation: 'Average',
    });
    expect(vmMetrics.value[0]?.timeseries?.[0]?.data?.[0]?.average).toBeGreaterThan(0);

    const fabric = resource(contoso, 'Microsoft.Fabric/capacities');
    expect(fabric.metrics).toEqual([]);
    const arm = new ResourceManagementClient(await credentialFor(contoso), fabric.resourceId.split('/')[2] ?? '', {
      endpoint: sandbox.urls.arm,
    });
    const capacity = await arm.resources.getById(fabric.resourceId, '2023-11-01');
    expect(capacity.sku?.name).toBe('F64');
    expect((capacity.properties as { state: string }).state).toBe('Active');
  });

  it('fabrikam: the secret in Key Vault is expired in Entra, so sign-in fails with AADSTS7000222', async () => {
    const fabrikam = customer('fabrikam');
    const secret = await vault.getSecret(fabrikam.secretName);
    expect(secret.properties.expiresOn?.getTime()).toBeLessThan(Date.now());
    const credential = await credentialFor(fabrikam);
    await expect(credential.getToken(ARM_SCOPES)).rejects.toThrow(
      `AADSTS7000222: The provided client secret keys for app '${fabrikam.clientId}' are expired`,
    );
  });

  it('northwind: reads its storage account but gets AuthorizationFailed on the VM', async () => {
    const northwind = customer('northwind');
    const storage = resource(northwind, 'storageAccounts');
    const vm = resource(northwind, 'virtualMachines');
    const monitor = await monitorFor(northwind, storage.resourceId);
    const ok = await monitor.metrics.list(storage.resourceId, {
      ...WINDOW,
      interval: 'PT1H',
      metricnames: storage.metrics.join(','),
      aggregation: 'Average,Total',
    });
    expect(ok.value.map((m) => m.name.value)).toEqual(['UsedCapacity', 'Transactions']);
    await expect(
      monitor.metrics.list(vm.resourceId, { ...WINDOW, metricnames: 'Percentage CPU' }),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
  });
});
