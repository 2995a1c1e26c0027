import type { TokenCredential } from '@azure/identity';
import { acquireCustomerToken } from '../auth/acquire-customer-token';
import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import type { CustomerSecret } from '../auth/customer-secret-reader';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { Customer } from '../customers/customer';
import { closedWindow } from '../collect/closed-window';
import type { CollectDependencies } from '../collect/collect-customer';
import { readResourceMetrics } from '../metrics/read-resource-metrics';
import { readResourceState } from '../resources/read-resource-state';
import { diagnoseError, type Diagnosis } from './diagnose-error';
import type { DiagnosisContext, Stage } from './diagnosis-catalogue';

export interface StageResult {
  readonly stage: Stage;
  readonly ok: boolean;
  readonly durationMs: number;
  /** What was checked, in a few words. */
  readonly detail: string;
  readonly diagnosis?: Diagnosis;
  readonly resources?: ReadonlyArray<{
    readonly resourceId: string;
    readonly ok: boolean;
    readonly state?: string;
    readonly sku?: string;
    readonly datapoints?: number;
    readonly diagnosis?: Diagnosis;
  }>;
}

export interface ConnectionTestReport {
  readonly customerId: string;
  readonly ok: boolean;
  /** `ready to collect`, or `N problems, customer must act on M`. */
  readonly verdict: string;
  readonly durationMs: number;
  readonly stages: readonly StageResult[];
}

/**
 * The on-demand test run: Key Vault read → token in the customer's tenant → ARM read → metrics read,
 * each stage timed and, when it fails, explained. It uses a fresh credential (never the worker's cached
 * token) so it proves the secret works now, and it reads the last closed hour only.
 */
export async function runConnectionTest(customer: Customer, deps: CollectDependencies): Promise<ConnectionTestReport> {
  const started = performance.now();
  const context: DiagnosisContext = {
    customerId: customer.id,
    tenantId: customer.tenantId,
    clientId: customer.clientId,
    secretName: customer.secretName,
    keyVaultUrl: deps.settings.keyVaultUrl,
    authMode: customer.authMode,
  };
  const timeout = () => AbortSignal.timeout(deps.settings.httpTimeoutMs);
  const stages: StageResult[] = [];
  const finish = (): ConnectionTestReport => summarize(customer.id, stages, performance.now() - started);

  let secret: CustomerSecret | undefined;
  // Secretless modes (federated identity, Lighthouse) keep nothing in Key Vault: no stage to run.
  if (needsKeyVaultSecret(customer.authMode)) {
    const keyVault = await timed(async () => {
      deps.secrets.forget(customer.secretName);
      secret = await deps.secrets.read(customer.secretName, timeout());
    });
    stages.push({
      stage: 'keyVault',
      ok: keyVault.ok,
      durationMs: keyVault.ms,
      detail:
        `read secret ${customer.secretName}` + (secret?.expiresOn ? ` (expires ${secret.expiresOn.toISOString()})` : ''),
      ...(keyVault.ok ? {} : { diagnosis: diagnoseError(keyVault.error, 'keyVault', context) }),
    });
    if (!secret) return finish();
  }
  const secretValue = secret?.value;

  let credential: TokenCredential;
  try {
    credential = deps.credentials.create(customer, secret);
  } catch (error) {
    // A certificate secret that is not a PEM with a key fails here, before any request.
    stages.push({ stage: 'token', ok: false, durationMs: 0, detail: `credential for ${customer.authMode}`, diagnosis: diagnoseError(error, 'token', context, [secretValue]) });
    return finish();
  }
  const { armScope, authorityHost, httpTimeoutMs } = deps.settings;
  const token = await timed(() =>
    acquireCustomerToken(credential, customer.tenantId, armScope, authorityHost, httpTimeoutMs),
  );
  stages.push({
    stage: 'token',
    ok: token.ok,
    durationMs: token.ms,
    detail:
      customer.authMode === 'lighthouse'
        ? `token for ${deps.settings.armScope} from the provider's tenant (Lighthouse delegation of ${customer.tenantId})`
        : `token for ${deps.settings.armScope} from tenant ${customer.tenantId} (${customer.authMode})`,
    ...(token.ok ? {} : { diagnosis: diagnoseError(token.error, 'token', context, [secretValue]) }),
  });
  if (!token.ok) return finish();

  const clients = deps.armClients.forCredential(credential);
  const window = closedWindow('0 0 * * * *', deps.now());
  const armStart = performance.now();
  const reads = await mapWithConcurrency(customer.resources, deps.settings.customerConcurrency, async (target) => {
    const scoped = { ...context, scope: target.resourceId };
    let state;
    try {
      state = (await readResourceState(clients.resources, target.resourceId, timeout())).state;
    } catch (error) {
      return { target, arm: diagnoseError(error, 'arm', scoped, [secretValue]) };
    }
    if (target.metrics.length === 0) return { target, state, datapoints: 0 };
    try {
      const points = await readResourceMetrics(clients.monitor, target, window, timeout());
      return { target, state, datapoints: points.length };
    } catch (error) {
      return { target, state, metrics: diagnoseError(error, 'metrics', scoped, [secretValue]) };
    }
  });
  const armMs = performance.now() - armStart;
  const results = reads.map((r, i) =>
    r.status === 'fulfilled'
      ? r.value
      : { target: customer.resources[i]!, arm: diagnoseError(r.reason, 'arm', context, [secretValue]) },
  );
  stages.push({
    stage: 'arm',
    ok: results.every((r) => !('arm' in r && r.arm)),
    durationMs: armMs,
    detail: `read ${results.length} resource(s)`,
    resources: results.map((r) => ({
      resourceId: r.target.resourceId,
      ok: !('arm' in r && r.arm),
      ...('state' in r && r.state?.state ? { state: r.state.state } : {}),
      ...('state' in r && r.state?.sku ? { sku: r.state.sku } : {}),
      ...('arm' in r && r.arm ? { diagnosis: r.arm } : {}),
    })),
  });
  const withMetrics = results.filter((r) => r.target.metrics.length > 0 && !('arm' in r && r.arm));
  stages.push({
    stage: 'metrics',
    ok: withMetrics.every((r) => !('metrics' in r && r.metrics)),
    durationMs: armMs,
    detail: `read metrics of ${withMetrics.length} resource(s) for ${window.start.toISOString()}/${window.end.toISOString()}`,
    resources: withMetrics.map((r) => ({
      resourceId: r.target.resourceId,
      ok: !('metrics' in r && r.metrics),
      ...('datapoints' in r ? { datapoints: r.datapoints } : {}),
      ...('metrics' in r && r.metrics ? { diagnosis: r.metrics } : {}),
    })),
  });
  return finish();
}

async function timed(work: () => Promise<void>): Promise<{ ok: boolean; ms: number; error?: unknown }> {
  const start = performance.now();
  try {
    await work();
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - start), error };
  }
}

function summarize(customerId: string, stages: StageResult[], ms: number): ConnectionTestReport {
  const problems = stages.flatMap((s) => [
    ...(s.diagnosis ? [s.diagnosis] : []),
    ...(s.resources ?? []).flatMap((r) => (r.diagnosis ? [r.diagnosis] : [])),
  ]);
  const customerMustAct = problems.filter((p) => p.who === 'customer').length;
  const ok = problems.length === 0;
  return {
    customerId,
    ok,
    verdict: ok
      ? 'ready to collect'
      : `${problems.length} problem${problems.length === 1 ? '' : 's'}, customer must act on ${customerMustAct}`,
    durationMs: Math.round(ms),
    stages: stages.map((s) => ({ ...s, durationMs: Math.round(s.durationMs) })),
  };
}
