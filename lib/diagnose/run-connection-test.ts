import type { TokenCredential } from '@azure/identity';
import { acquireCustomerToken } from '../auth/acquire-customer-token';
import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import type { CustomerSecret } from '../auth/customer-secret-reader';
import { mapWithConcurrency } from '../batching/map-with-concurrency';
import type { Customer, ResourceTarget } from '../customers/customer';
import { closedWindow, type TimeWindow } from '../collect/closed-window';
import type { CollectDependencies } from '../collect/collect-customer';
import { AppError } from '../errors/app-error';
import { readResourceMetrics } from '../metrics/read-resource-metrics';
import type { ArmClients } from '../resources/arm-clients';
import { readResourceState, type ResourceState } from '../resources/read-resource-state';
import { mergeResourceTargets } from '../discovery/merge-resource-targets';
import type { DiscoveredResource } from '../discovery/query-resource-graph';
import { isFabricCapacity } from '../fabric/fabric-metrics';
import { checkMetricDefinitions } from './check-metric-definitions';
import { probeMetricsBatch } from './probe-metrics-batch';
import { principalObjectId } from '../auth/principal-object-id';
import { diagnoseError, type Diagnosis } from './diagnose-error';
import { diagnosisContextFor, type DiagnosisContext, type Stage } from './diagnosis-catalogue';

/**
 * The whole test run must answer well inside the platform's 230 s HTTP limit. Resource checks that
 * would start after this budget are reported as not checked rather than letting the request be cut.
 */
export const TEST_RUN_BUDGET_MS = 120_000;

export interface StageResult {
  readonly stage: Stage;
  readonly ok: boolean;
  readonly durationMs: number;
  /** What was checked, in a few words. */
  readonly detail: string;
  readonly diagnosis?: Diagnosis;
}

/** The verdict on one configured resource. */
export interface ResourceCheck {
  readonly resourceId: string;
  /** `ready`: readable and every configured metric defined and readable; `notChecked`: time budget used up. */
  readonly verdict: 'ready' | 'problem' | 'notChecked';
  /** One line for people, e.g. `readable (Active, F64); 2/2 metrics defined; 24 datapoints`. */
  readonly summary: string;
  readonly readable?: boolean;
  readonly state?: string;
  readonly sku?: string;
  readonly metrics?: {
    readonly configured: readonly string[];
    /** Configured names the resource type does not define (from the metric definitions API). */
    readonly missing: readonly string[];
    /** Datapoints read for the last closed hour, when the read was tried. */
    readonly datapoints?: number;
  };
  readonly durationMs: number;
  readonly diagnosis?: Diagnosis;
}

export interface ConnectionTestReport {
  readonly customerId: string;
  readonly authMode: string;
  readonly ok: boolean;
  /** `ready to collect`, or `N problems, customer must act on M`. */
  readonly verdict: string;
  readonly problems: number;
  readonly customerMustAct: number;
  readonly durationMs: number;
  readonly stages: readonly StageResult[];
  readonly resources: readonly ResourceCheck[];
}

/**
 * The on-demand test run: Key Vault read → token in the customer's tenant → every configured resource
 * (state readable? configured metric names defined for its type? last closed hour readable?), each
 * stage and resource timed and, when it fails, explained. It uses a fresh credential (never the
 * worker's cached token) so it proves access works now. Resources are checked with bounded
 * concurrency, every call has a timeout, and the run stops starting checks after TEST_RUN_BUDGET_MS.
 */
export async function runConnectionTest(customer: Customer, deps: CollectDependencies): Promise<ConnectionTestReport> {
  const started = performance.now();
  const context = diagnosisContextFor(customer, deps.settings.keyVaultUrl);
  const budget = AbortSignal.timeout(TEST_RUN_BUDGET_MS);
  // Each call gets its own timeout, and none outlives the run's budget.
  const callSignal = (): AbortSignal => AbortSignal.any([AbortSignal.timeout(deps.settings.httpTimeoutMs), budget]);
  const stages: StageResult[] = [];
  let resources: ResourceCheck[] = [];
  const finish = (): ConnectionTestReport => summarize(customer, stages, resources, performance.now() - started);

  let secret: CustomerSecret | undefined;
  // Secretless modes (federated identity, Lighthouse) keep nothing in Key Vault: no stage to run.
  if (needsKeyVaultSecret(customer.authMode)) {
    const keyVault = await timed(async () => {
      deps.secrets.forget(customer.secretName);
      secret = await deps.secrets.read(customer, callSignal());
    });
    stages.push({
      stage: 'keyVault',
      ok: keyVault.ok,
      durationMs: keyVault.ms,
      detail:
        `read secret ${customer.secretName}` +
        (secret?.expiresOn ? ` (expires ${secret.expiresOn.toISOString()})` : ''),
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
    stages.push({
      stage: 'token',
      ok: false,
      durationMs: 0,
      detail: `credential for ${customer.authMode}`,
      diagnosis: diagnoseError(error, 'token', context, [secretValue]),
    });
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
        : customer.authMode === 'managedIdentity'
          ? `token for ${deps.settings.armScope} from the provider's tenant (its managed identity, used directly)`
          : `token for ${deps.settings.armScope} from tenant ${customer.tenantId} (${customer.authMode})`,
    ...(token.ok ? {} : { diagnosis: diagnoseError(token.error, 'token', context, [secretValue]) }),
  });
  if (!token.ok) return finish();

  const clients = deps.armClients.forCredential(credential);
  // Discovery is queried fresh (the cache is neither read nor changed): it proves Resource Graph access
  // now, and every discovered resource is checked like a configured one.
  let targets: readonly ResourceTarget[] = customer.resources;
  if (customer.discovery) {
    const { subscriptions, resourceTypes, metrics } = customer.discovery;
    let found: DiscoveredResource[] = [];
    const discovery = await timed(async () => {
      found = await deps.discovery.preview(customer, clients.resources, callSignal());
    });
    stages.push({
      stage: 'arm',
      ok: discovery.ok,
      durationMs: discovery.ms,
      detail:
        `discovery (Resource Graph): ${discovery.ok ? found.length : 'no'} resource(s) of ${resourceTypes.join(', ')} ` +
        `in ${subscriptions.length} subscription(s)` +
        (discovery.ok && found.length === 0 ? ' (none readable: is Reader granted on those subscriptions?)' : ''),
      ...(discovery.ok ? {} : { diagnosis: diagnoseError(discovery.error, 'arm', context, [secretValue]) }),
    });
    targets = mergeResourceTargets(customer.resources, found, metrics);
  }
  const window = closedWindow('0 0 * * * *', deps.now());
  const deadline = started + TEST_RUN_BUDGET_MS;
  const armStart = performance.now();
  const settled = await mapWithConcurrency(targets, deps.settings.customerConcurrency, (target) =>
    performance.now() > deadline
      ? Promise.resolve(notChecked(target.resourceId))
      : checkResource(clients, target, window, { ...context, scope: target.resourceId }, callSignal, [secretValue]),
  );
  resources = settled.map((r, i) =>
    r.status === 'fulfilled'
      ? r.value
      : problem(targets[i]?.resourceId ?? '', diagnoseError(r.reason, 'arm', context, [secretValue]), 0),
  );
  const failing = resources.filter((r) => r.verdict !== 'ready');
  stages.push({
    stage: 'arm',
    ok: failing.length === 0,
    durationMs: performance.now() - armStart,
    detail:
      `checked ${resources.length} resource(s) (state, metric definitions, metrics for ${window.start.toISOString()}/${window.end.toISOString()}): ` +
      `${resources.length - failing.length} ready`,
  });
  // How the worker will read metrics: in batches, or per resource because the batch API refuses.
  if (deps.settings.metricsMode === 'auto' && performance.now() < deadline) {
    const batchStart = performance.now();
    // A refusal's fix names the principal's object id, which only its token tells.
    const objectId = await principalObjectId(credential, armScope, httpTimeoutMs);
    const probeContext = objectId ? { ...context, objectId } : context;
    const probe = await probeMetricsBatch(
      clients,
      deps.settings.armEndpoint,
      targets,
      window,
      probeContext,
      callSignal,
      [secretValue],
    ).catch(() => undefined); // the per-resource checks above already explain any other failure
    if (probe)
      stages.push({ stage: 'metrics', ok: probe.ok, durationMs: performance.now() - batchStart, detail: probe.detail });
  }
  if (customer.delivery) {
    // The customer's own storage: write and delete a probe blob with the same fresh credential.
    const target = customer.delivery;
    const deliveryStart = performance.now();
    const probe = await deps.delivery.probe({ target, credential, context, knownSecrets: [secretValue] }, deps.now());
    stages.push({
      stage: 'delivery',
      ok: probe.ok,
      durationMs: performance.now() - deliveryStart,
      detail: `write and delete a probe blob in container ${target.container} of ${target.blobServiceUrl} (token for Azure Storage from ${customer.authMode === 'lighthouse' || customer.authMode === 'managedIdentity' ? "the provider's tenant" : `tenant ${customer.tenantId}`})`,
      ...(probe.ok ? {} : { diagnosis: probe.diagnosis }),
    });
  }
  const fabricIds = targets.map((t) => t.resourceId).filter(isFabricCapacity);
  if (customer.fabric && fabricIds.length > 0) {
    stages.push(await checkFabric(customer, credential, fabricIds, window, deps, context, [secretValue], callSignal()));
  }
  return finish();
}

/**
 * The Fabric stage: for a pull customer, the whole path afresh (workspaces, dataset, version probe,
 * capacities, the last closed hour's timepoints) with the fresh credential; for a push customer, what
 * its pushed events gave for that hour.
 */
async function checkFabric(
  customer: Customer,
  credential: TokenCredential,
  capacityIds: readonly string[],
  window: TimeWindow,
  deps: CollectDependencies,
  context: DiagnosisContext,
  secrets: readonly (string | undefined)[],
  signal: AbortSignal,
): Promise<StageResult> {
  const start = performance.now();
  const mode = customer.fabric?.mode ?? 'pull';
  const reads = await deps.fabric.collect(customer, credential, capacityIds, window, signal, { fresh: true });
  const failed = reads.find((r) => r.error !== undefined);
  const points = reads.reduce((sum, r) => sum + r.datapoints.length, 0);
  const what =
    mode === 'push'
      ? `pushed capacity events: ${points} datapoint(s) for ${reads.length} capacity(ies) in ${window.start.toISOString()}/${window.end.toISOString()}` +
        (points === 0 ? ' (none yet: is the Eventstream or notebook sending?)' : '')
      : `Capacity Metrics app model via Power BI executeQueries (token for the Power BI API from tenant ${customer.tenantId}): ` +
        `${points} datapoint(s) for ${reads.length} capacity(ies)`;
  return {
    stage: 'fabric',
    ok: !failed,
    durationMs: performance.now() - start,
    detail: what,
    ...(failed
      ? {
          diagnosis: diagnoseError(
            failed.error,
            'fabric',
            {
              ...context,
              ...failed.ids,
              scope: failed.resourceId,
              capacityName: failed.resourceId.split('/').pop() as string,
            },
            secrets,
          ),
        }
      : {}),
  };
}

type SignalFactory = () => AbortSignal;

/** Reads a resource's state, checks its configured metric names against its type, then reads the last hour. */
async function checkResource(
  clients: ArmClients,
  target: ResourceTarget,
  window: TimeWindow,
  context: DiagnosisContext,
  signal: SignalFactory,
  secrets: readonly (string | undefined)[],
): Promise<ResourceCheck> {
  const start = performance.now();
  const ms = () => Math.round(performance.now() - start);
  let state: ResourceState;
  try {
    state = (await readResourceState(clients, target.resourceId, signal())).state;
  } catch (error) {
    return problem(target.resourceId, diagnoseError(error, 'arm', context, secrets), ms());
  }
  const readable = {
    readable: true,
    ...(state.state ? { state: state.state } : {}),
    ...(state.sku ? { sku: state.sku } : {}),
  };
  const described = `readable${state.state || state.sku ? ` (${[state.state, state.sku].filter(Boolean).join(', ')})` : ''}`;
  if (target.metrics.length === 0) {
    return {
      resourceId: target.resourceId,
      verdict: 'ready',
      summary: `${described}; state only`,
      ...readable,
      durationMs: ms(),
    };
  }
  const configured = target.metrics;
  const failed = (diagnosis: Diagnosis, missing: readonly string[] = [], datapoints?: number): ResourceCheck => ({
    ...problem(target.resourceId, diagnosis, ms()),
    ...readable,
    summary: `${described}; ${diagnosis.code}: ${diagnosis.title}`,
    metrics: { configured, missing, ...(datapoints !== undefined ? { datapoints } : {}) },
  });
  let missing: readonly string[];
  try {
    const check = await checkMetricDefinitions(clients.monitor, target.resourceId, configured, signal());
    missing = check.missing;
    if (missing.length > 0) {
      const notDefined = new AppError({
        kind: 'customerAccess',
        code: 'MetricNotDefined',
        message: `Metric(s) ${missing.join(', ')} are not defined for ${target.resourceId}`,
      });
      const filled = { ...context, metric: missing.join(', '), validMetrics: check.defined.join(', ') };
      return failed(diagnoseError(notDefined, 'metrics', filled, secrets), missing);
    }
  } catch (error) {
    return failed(diagnoseError(error, 'metrics', context, secrets));
  }
  try {
    // A readiness probe: the closed hour as is, no look-back.
    const points = await readResourceMetrics(
      clients.monitor,
      target,
      { range: window, settledBefore: window.end },
      signal(),
    );
    return {
      resourceId: target.resourceId,
      verdict: 'ready',
      summary: `${described}; ${configured.length}/${configured.length} metrics defined; ${points.length} datapoints in the last closed hour`,
      ...readable,
      metrics: { configured, missing: [], datapoints: points.length },
      durationMs: ms(),
    };
  } catch (error) {
    return failed(diagnoseError(error, 'metrics', context, secrets));
  }
}

function problem(resourceId: string, diagnosis: Diagnosis, durationMs: number): ResourceCheck {
  return {
    resourceId,
    verdict: 'problem',
    summary: `${diagnosis.code}: ${diagnosis.title}`,
    ...(diagnosis.stage === 'arm' ? { readable: false } : {}),
    durationMs,
    diagnosis,
  };
}

function notChecked(resourceId: string): ResourceCheck {
  return {
    resourceId,
    verdict: 'notChecked',
    summary: `not checked: the test run's ${TEST_RUN_BUDGET_MS / 1000} s budget was used up`,
    durationMs: 0,
  };
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

function summarize(
  customer: Customer,
  stages: readonly StageResult[],
  resources: readonly ResourceCheck[],
  ms: number,
): ConnectionTestReport {
  const problems = [
    ...stages.flatMap((s) => (s.diagnosis ? [s.diagnosis] : [])),
    ...resources.flatMap((r) => (r.diagnosis ? [r.diagnosis] : [])),
  ];
  const unchecked = resources.filter((r) => r.verdict === 'notChecked').length;
  const customerMustAct = problems.filter((p) => p.who === 'customer').length;
  const ok = problems.length === 0 && unchecked === 0;
  const count = problems.length + unchecked;
  return {
    customerId: customer.id,
    authMode: customer.authMode,
    ok,
    verdict: ok
      ? 'ready to collect'
      : `${count} problem${count === 1 ? '' : 's'}, customer must act on ${customerMustAct}`,
    problems: count,
    customerMustAct,
    durationMs: Math.round(ms),
    stages: stages.map((s) => ({ ...s, durationMs: Math.round(s.durationMs) })),
    resources,
  };
}
