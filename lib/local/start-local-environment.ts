import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type RunningAzurite } from './azurite/start-azurite';
import { buildDemoScenario, type DemoScenario } from './demo/build-demo-scenario';
import { resolveSandboxStorageUrls } from './demo/add-delivery-demo';
import type { SandboxUrls } from './sandbox/sandbox-context';
import { startSandboxCloud, type SandboxCloud, type SandboxCloudOptions } from './sandbox/start-sandbox-cloud';
import { createLocalCertificate } from './tls/create-local-certificate';
import { trustCertificate } from './tls/trust-certificate';
import { writeCertificateFiles } from './tls/write-certificate-files';
import { SETTINGS, type SettingSpec } from '../config/settings';

const HEALTH_SWEEP_DEFAULT =
  (SETTINGS as readonly SettingSpec[]).find((s) => s.name === 'HEALTH_SWEEP_SCHEDULE')?.default ?? '';

/** What the app settings need from a sandbox cloud, wherever it runs (in this process or its own). */
export interface SandboxEndpoints {
  readonly urls: SandboxUrls;
  readonly identityHeader: string;
  readonly managedIdentity: { readonly clientId: string; readonly objectId: string };
  close(): Promise<void>;
}

/** Azurite plus the sandbox cloud, with the app settings that point the app at them. */
export interface LocalEnvironment<Sandbox extends SandboxEndpoints = SandboxCloud> {
  /** App settings, exactly as they would be set on a function app (and exported to process.env). */
  readonly appSettings: Readonly<Record<string, string>>;
  readonly azurite: RunningAzurite;
  readonly sandbox: Sandbox;
  readonly scenario: DemoScenario;
  close(): Promise<void>;
}

export interface LocalEnvironmentOptions<Sandbox extends SandboxEndpoints = SandboxCloud> {
  readonly scenario?: DemoScenario;
  readonly now?: () => Date;
  /** Starts the sandbox cloud; default in this process (`startSandboxCloud`). The bench runs it in its own. */
  readonly startSandbox?: (options: SandboxCloudOptions) => Promise<Sandbox>;
}

/**
 * Starts everything the app talks to, locally: a certificate made now and trusted by this process
 * only, Azurite over HTTPS with that certificate, and the sandbox cloud (Entra ID, managed identity,
 * Key Vault, ARM) seeded with the demo customers. Both start in parallel (~2 s).
 */
export async function startLocalEnvironment<Sandbox extends SandboxEndpoints = SandboxCloud>(
  options: LocalEnvironmentOptions<Sandbox> = {},
): Promise<LocalEnvironment<Sandbox>> {
  const startSandbox =
    options.startSandbox ?? (startSandboxCloud as unknown as (options: SandboxCloudOptions) => Promise<Sandbox>);
  const scenario = options.scenario ?? buildDemoScenario(options.now?.());
  const certificate = await createLocalCertificate();
  trustCertificate(certificate.caPem);
  const certDir = await mkdtemp(join(tmpdir(), 'ctc-cert-'));
  const files = await writeCertificateFiles(certificate, certDir);
  const [azurite, sandbox] = await Promise.all([
    startAzurite({ certPath: files.certPath, keyPath: files.keyPath }),
    startSandbox({ certificate, seed: scenario.seed, ...(options.now ? { now: options.now } : {}) }),
  ]);
  const appSettings = {
    AzureWebJobsStorage: azurite.connectionString,
    KEY_VAULT_URL: sandbox.urls.keyVault,
    MANAGED_IDENTITY_CLIENT_ID: sandbox.managedIdentity.clientId,
    AUTHORITY_HOST: sandbox.urls.authorityHost,
    ARM_ENDPOINT: sandbox.urls.arm,
    POWER_BI_API_URL: sandbox.urls.powerBi,
    FABRIC_API_URL: sandbox.urls.fabric,
    // The sandbox serves every region on one listener, the region as the first path segment.
    METRICS_BATCH_ENDPOINT: `${sandbox.urls.metrics}/{region}`,
    // What App Service sets for a managed identity; the identity SDK reads them itself.
    IDENTITY_ENDPOINT: sandbox.urls.identityEndpoint,
    IDENTITY_HEADER: sandbox.identityHeader,
    // What App Service sets when Authentication is on: the local host plays that part (it drops client-sent
    // X-MS-CLIENT-PRINCIPAL headers and passes its development principal's).
    WEBSITE_AUTH_ENABLED: 'True',
    // The health sweep's timer names this setting (%HEALTH_SWEEP_SCHEDULE%), which Bicep sets in Azure.
    HEALTH_SWEEP_SCHEDULE: HEALTH_SWEEP_DEFAULT,
    // The sandbox's own endpoints (loopback) may appear in customer URLs here, and only here.
    LOCAL_SERVICE_HOSTS: [...new Set(Object.values(sandbox.urls).map((url) => new URL(url).host))].join(','),
    // The analytics export goes to the sandbox's ingestion endpoint when the scenario has a rule for it.
    ...logsExportSettings(scenario, sandbox.urls.logsIngestion),
  };
  // Delivery targets name the storage front by a placeholder until its port is known.
  const customers = resolveSandboxStorageUrls(scenario.customers, sandbox.urls.storage);
  return {
    appSettings,
    azurite,
    sandbox,
    scenario: { ...scenario, customers },
    async close() {
      await Promise.allSettled([azurite.close(), sandbox.close()]);
      await rm(certDir, { recursive: true, force: true });
    },
  };
}

function logsExportSettings(scenario: DemoScenario, endpoint: string): Record<string, string> {
  const rule = scenario.seed.dataCollectionRules?.[0];
  return rule ? { LOGS_INGESTION_ENDPOINT: endpoint, LOGS_INGESTION_RULE_ID: rule.immutableId } : {};
}
