import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'node:fs';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeClientPrincipal } from '../../lib/auth/operator-principal';
import { createRouteHandler } from '../../lib/http/create-route-handler';
import type { RouteServices } from '../../lib/http/register-route';
import { startLocalHost, type LocalHost } from '../../lib/local/host/start-local-host';
import { ADMIN_OPERATOR, READER_OPERATOR } from '../support/operator-principals';
import { runCtc } from '../support/run-ctc';
import { startApiHost, type ApiHost } from '../support/start-api-host';

const ROOT = join(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only reading of JSON answers
type Json = any;

let api: ApiHost;
let readerHost: LocalHost;
let anonymousHost: LocalHost;

const NEW_CUSTOMER = {
  displayName: 'Operator Test Co',
  tenantId: '5d5d0000-0000-4000-8000-000000000001',
  clientId: '5d5d0000-0000-4000-8000-000000000002',
};

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: Json }> {
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, body: type.includes('json') && text ? JSON.parse(text) : text };
}

beforeAll(async () => {
  api = await startApiHost(ADMIN_OPERATOR);
  const hostOptions = {
    functionModules: globSync('functions/*.ts', { cwd: ROOT }).map((f) => join(ROOT, f)),
    appSettings: { ...api.app.env.appSettings, COLLECT_SCHEDULE: api.app.services.config.collectSchedule },
    hostJsonPath: join(ROOT, 'host.json'),
    httpPort: 0,
    startTimers: false,
    log: () => undefined,
  };
  readerHost = await startLocalHost({ ...hostOptions, operatorPrincipal: READER_OPERATOR });
  anonymousHost = await startLocalHost(hostOptions);
});
afterAll(async () => {
  await readerHost?.close();
  await anonymousHost?.close();
  await api?.close();
});

describe('operator roles on every route', () => {
  it('lets a reader query, but not onboard, delete, rotate, collect or test (403 problem+json, nothing changed)', async () => {
    const reader = readerHost.httpUrl;
    expect((await call(reader, 'GET', '/customers')).status).toBe(200);
    expect((await call(reader, 'GET', '/health')).status).toBe(200);
    expect((await call(reader, 'GET', '/operator-audit')).status).toBe(200);
    const refused = [
      await call(reader, 'PUT', '/customers/readerco', { ...NEW_CUSTOMER, secret: 'reader-wants-this-in' }),
      await call(reader, 'DELETE', '/customers/contoso'),
      await call(reader, 'POST', '/customers/contoso/rotate-secret', { secret: 'reader-rotated-value' }),
      await call(reader, 'POST', '/customers/contoso/collect'),
      await call(reader, 'POST', '/customers/contoso/test'),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.type).toBe('application/problem+json');
      expect(answer.body.code).toBe('OperatorRoleMissing');
      expect(answer.body.detail).toContain('Collector.Admin');
    }
    expect(await api.app.services.registry.find('readerco')).toBeUndefined();
    expect(await api.app.services.registry.find('contoso')).toBeDefined();
    expect(api.app.env.sandbox.state.findVaultSecret('customer-contoso-secret')?.value).not.toBe(
      'reader-rotated-value',
    );
  });

  it('answers a body without a JSON content type with 415, before anything is written', async () => {
    const response = await fetch(`${api.host.httpUrl}/api/customers/plainco`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ ...NEW_CUSTOMER, secret: 'plain-text-secret' }),
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'UnsupportedMediaType' });
    expect(await api.app.services.registry.find('plainco')).toBeUndefined();
  });

  it('drops an X-MS-CLIENT-PRINCIPAL a client sends itself, as App Service does', async () => {
    const forged = encodeClientPrincipal({ id: 'mallory', name: 'mallory', roles: ['admin'] });
    const answer = await call(readerHost.httpUrl, 'DELETE', '/customers/contoso', undefined, {
      'x-ms-client-principal': forged,
    });
    expect(answer.status).toBe(403);
    const anonymous = await call(anonymousHost.httpUrl, 'GET', '/customers', undefined, {
      'x-ms-client-principal': forged,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('OperatorNotAuthenticated');
  });

  it('lets an admin onboard, rotate, collect, test and delete, and audits each action with its outcome', async () => {
    const admin = api.host.httpUrl;
    const put = await call(admin, 'PUT', '/customers/adminco', { ...NEW_CUSTOMER, secret: 'admin-first-secret' });
    expect(put.status).toBe(201);
    expect(
      (await call(admin, 'POST', '/customers/adminco/rotate-secret', { secret: 'admin-second-secret' })).status,
    ).toBe(200);
    expect((await call(admin, 'POST', '/customers/contoso/collect')).status).toBe(202);
    expect((await call(admin, 'POST', '/customers/adminco/test')).status).toBe(200);
    expect((await call(admin, 'DELETE', '/customers/adminco')).status).toBe(200);
    expect((await call(admin, 'DELETE', '/customers/nobody')).status).toBe(404);

    const audit = await call(readerHost.httpUrl, 'GET', '/operator-audit?customer=adminco');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e: Json) => `${e.principalName} ${e.method} ${e.action} ${e.status}`)).toEqual([
      'ada@provider.example PUT customer-put 201',
      'ada@provider.example POST customer-rotate-secret 200',
      'ada@provider.example POST customer-test 200',
      'ada@provider.example DELETE customer-delete 200',
    ]);
    const all = await call(admin, 'GET', '/operator-audit');
    const refusedReader = all.body.entries.filter((e: Json) => e.principalName === 'rita@provider.example');
    expect(refusedReader.length).toBeGreaterThanOrEqual(5);
    expect(refusedReader.every((e: Json) => e.status === 403 && e.code === 'OperatorRoleMissing')).toBe(true);
    expect(all.body.entries.find((e: Json) => e.customerId === 'nobody')).toMatchObject({
      status: 404,
      code: 'CustomerNotFound',
    });
    // No request body, secret or token is kept.
    expect(JSON.stringify(all.body)).not.toContain('admin-first-secret');
    expect(JSON.stringify(all.body)).not.toContain('reader-rotated-value');
  });

  it('shows the operator audit through ctc', async () => {
    const run = await runCtc(readerHost.httpUrl, ['operator-audit', '--customer', 'adminco']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/ada@provider\.example\s+PUT customer-put\s+adminco\s+201/);
    expect(run.err).toContain('4 admin action(s)');
  });
});

describe('createRouteHandler', () => {
  const services = (operatorAuthEnabled: boolean): RouteServices =>
    ({
      config: { operatorAuthEnabled },
      now: () => new Date(),
      operatorAudit: { write: async () => undefined },
    }) as unknown as RouteServices;
  const request = (headers: Record<string, string>) =>
    new HttpRequest({ method: 'GET', url: 'http://localhost/api/health', headers });
  const context = () => new InvocationContext({ functionName: 'health', invocationId: 'i-1' });
  const handler = (enabled: boolean) =>
    createRouteHandler(
      'health',
      { methods: ['GET'], route: 'health', access: 'reader', handler: async () => ({ status: 200, jsonBody: {} }) },
      () => services(enabled),
    );

  it('refuses every operator request when App Service Authentication is off, even with a principal header', async () => {
    const header = encodeClientPrincipal(ADMIN_OPERATOR);
    const response = await handler(false)(request({ 'x-ms-client-principal': header }), context());
    expect(response.status).toBe(401);
    expect((response.jsonBody as Json).code).toBe('OperatorAuthenticationOff');
  });

  it('answers 401 for a malformed principal and 200 for a valid reader', async () => {
    const bad = await handler(true)(request({ 'x-ms-client-principal': 'not base64 json!' }), context());
    expect(bad.status).toBe(401);
    expect((bad.jsonBody as Json).code).toBe('MalformedClientPrincipal');
    const ok = await handler(true)(
      request({ 'x-ms-client-principal': encodeClientPrincipal(READER_OPERATOR) }),
      context(),
    );
    expect(ok.status).toBe(200);
  });
});

describe('functions/', () => {
  it('registers every HTTP route through registerRoute with a declared access level', () => {
    const files = readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const source = readFileSync(join(ROOT, 'functions', file), 'utf8');
      // app.http / app.get / app.post ... would bypass the access check.
      expect(source, file).not.toMatch(/\bapp\s*\.\s*(http|get|post|put|patch|delete|deleteRequest)\s*\(/);
      if (source.includes('registerRoute(')) expect(source, file).toMatch(/access: '(reader|admin|ingestKey)'/);
    }
    const http = files.filter((f) => readFileSync(join(ROOT, 'functions', f), 'utf8').includes('registerRoute('));
    expect(http.length).toBeGreaterThanOrEqual(15);
  });
});
