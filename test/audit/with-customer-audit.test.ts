import { TableClient } from '@azure/data-tables';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRecorder } from '../../lib/audit/audit-recorder';
import { AuditStore } from '../../lib/audit/audit-store';
import { withCustomerAudit } from '../../lib/audit/with-customer-audit';
import { collectCustomer } from '../../lib/collect/collect-customer';
import { handleCollectMessage } from '../../lib/collect/handle-collect-message';
import { getCustomerAudit } from '../../lib/http/audit-handler';
import { DEMO_IDS } from '../../lib/local/demo/build-demo-scenario';
import { recentWindow } from '../support/recent-window';
import { recordingLogger, startTestApp, type TestApp } from '../support/start-test-app';

let app: TestApp;
const message = (customerId: string, runId: string) => ({
  version: 1 as const,
  runId,
  customerId,
  ...recentWindow(),
  trigger: 'schedule' as const,
});
const invocation = () =>
  new InvocationContext({
    functionName: 'collect-customer',
    invocationId: 'audit',
    triggerMetadata: { dequeueCount: 1 },
  });

async function audit(customerId: string, query = '') {
  const request = new HttpRequest({
    method: 'GET',
    url: `http://localhost/api/customers/${customerId}/audit${query}`,
    params: { id: customerId },
  });
  return getCustomerAudit(app.services, request);
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

describe('access audit', () => {
  it("records every call a run makes into the customer's tenant, with status and request ids", async () => {
    const started = new Date();
    await handleCollectMessage(app.services, message('contoso', 'audit-run-1'), invocation());
    const response = await audit('contoso', `?from=${new Date(started.getTime() - 1000).toISOString()}`);
    expect(response.status).toBe(200);
    const body = response.jsonBody as { entries: Array<Record<string, unknown>>; retentionDays: number };
    expect(body.retentionDays).toBe(90);
    const ops = body.entries
      .filter((e) => e.runId === 'audit-run-1')
      .map((e) => `${String(e.operation)} ${String(e.status)}`);
    // State of all three resources in one Resource Graph query, two batch metric reads (a VM and a Power BI
    // capacity are two types; the Fabric capacity has no metrics), and the credential's own calls to Entra
    // in the customer's tenant (metadata and token; MSAL may ask more than once).
    const count = (op: string) => ops.filter((o) => o === `${op} 200`).length;
    expect(count('resourceGraph.query')).toBe(1);
    expect(count('resources.getById')).toBe(0);
    expect(count('metrics.getBatch')).toBe(2);
    expect(count('token')).toBeGreaterThanOrEqual(1);
    // contoso also delivers its snapshot to its own storage account (Put Blob answers 201).
    expect(ops.filter((o) => o.startsWith('blob.'))).toEqual(['blob.put 201']);
    expect(ops.filter((o) => !o.startsWith('blob.')).every((o) => o.endsWith(' 200'))).toBe(true);
    const armCall = body.entries.find((e) => e.operation === 'metrics.getBatch');
    expect(armCall?.resource).toMatch(new RegExp(`^/subscriptions/${DEMO_IDS.contoso.subscriptionId}(/|$)`));
    expect(armCall?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(armCall?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.entries.find((e) => e.operation === 'token')?.resource).toBe(DEMO_IDS.contoso.tenantId);
    expect(JSON.stringify(body)).not.toContain(app.secretValues[0]);
  });

  it('records refused calls too: northwind gets a 403 on its VM', async () => {
    await handleCollectMessage(app.services, message('northwind', 'audit-run-2'), invocation());
    const body = (await audit('northwind')).jsonBody as { entries: Array<Record<string, unknown>> };
    const refused = body.entries.filter((e) => e.runId === 'audit-run-2' && e.status === 403);
    expect(refused.map((e) => e.resource)).toEqual([expect.stringContaining('vm-northwind-db')]);
  });

  it('writes nothing for the range before the run, and answers a bad range with 400', async () => {
    const empty = (await audit('contoso', '?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).jsonBody as {
      entries: unknown[];
    };
    expect(empty.entries).toEqual([]);
    await expect(audit('contoso', '?from=2026-11-22T10:00:00Z&to=2026-11-22T09:00:00Z')).rejects.toMatchObject({
      code: 'InvalidRange',
    });
    await expect(audit('nobody')).rejects.toMatchObject({ kind: 'notFound' });
    // The same time inputs as the metrics query: relative and `now` work too.
    await expect(audit('contoso', '?from=7d&to=now')).resolves.toMatchObject({
      status: 200,
      jsonBody: { customerId: 'contoso' },
    });
  });

  it('deletes entries older than the retention', async () => {
    const store = app.services.audit;
    const recorder = new AuditRecorder('retention-test', 'old-run');
    recorder.add({
      at: '2020-01-01T00:00:00.000Z',
      operation: 'token',
      method: 'POST',
      resource: 't',
      status: 200,
      durationMs: 1,
    });
    recorder.add({
      at: '2026-11-22T00:00:00.000Z',
      operation: 'token',
      method: 'POST',
      resource: 't',
      status: 200,
      durationMs: 1,
    });
    await store.write(recorder.entries);
    expect(await store.prune('retention-test', new Date('2025-01-01T00:00:00Z'))).toBe(1);
    const left = await store.query(
      'retention-test',
      new Date('2000-01-01T00:00:00Z'),
      new Date('2030-01-01T00:00:00Z'),
      10,
    );
    expect(left.map((e) => e.at)).toEqual(['2026-11-22T00:00:00.000Z']);
  });

  it('never fails a collection when the audit cannot be written, and logs why', async () => {
    // A store on a table that does not exist: every write fails.
    const broken = new AuditStore(TableClient.fromConnectionString(app.env.azurite.connectionString, 'nosuchtable'));
    const log = recordingLogger();
    const result = await withCustomerAudit({ ...app.services, audit: broken }, 'contoso', 'audit-run-3', log, () =>
      collectCustomer(message('contoso', 'audit-run-3'), app.services, log),
    );
    expect(result.outcome).toBe('ok');
    expect(log.lines.some((l) => l.includes('AuditWriteFailed'))).toBe(true);
  });
});
