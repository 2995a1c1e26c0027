import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalHostFunction } from '../../lib/local/host/start-local-host';
import { startApiHost, type ApiHost } from '../support/start-api-host';

/** Kept small so `npm test` stays fast (~5 s); 800 runs passed when it was written. */
const RUNS = 60;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const QUERY_KEYS = [
  'from',
  'to',
  'resource',
  'metric',
  'interval',
  'format',
  'maxPoints',
  'continuationToken',
  'purgeData',
  'customer',
  'window',
  'by',
  'limit',
] as const;
/** A JWT's first two segments (what an access token looks like) must never appear in an answer. */
const TOKEN_PATTERN = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/;

let api: ApiHost;
let routes: LocalHostFunction[];

beforeAll(async () => {
  api = await startApiHost();
  routes = api.host.functions.filter((fn) => fn.trigger.toLowerCase() === 'httptrigger');
});
afterAll(async () => {
  await api?.close();
});

/** Route parameter values: real ids, near misses and hostile text. */
const paramValue = fc.oneof(
  fc.constantFrom('contoso', 'fabrikam', 'northwind', 'nobody', 'CONTOSO', '', '..', '%2e%2e'),
  fc.string({ maxLength: 60 }),
  fc.stringMatching(/^[a-z0-9-]{1,45}$/),
);
const queryValue = fc.oneof(
  fc.constantFrom('24h', '7d', 'now', '2026-11-22', '2026-11-22T09:00:00Z', 'PT1H', 'csv', 'json', 'true', '-1', '0'),
  fc.string({ maxLength: 40 }),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc
    .record(
      {
        displayName: fc.string({ maxLength: 20 }),
        tenantId: fc.uuid(),
        clientId: fc.uuid(),
        secretName: fc.oneof(fc.constant('customer-contoso-secret'), fc.stringMatching(/^[a-zA-Z0-9-]{1,20}$/)),
        secret: fc.string({ maxLength: 30 }),
        delivery: fc.record({ blobServiceUrl: fc.webUrl(), container: fc.string({ maxLength: 10 }) }),
        resources: fc.array(fc.record({ resourceId: fc.string({ maxLength: 40 }) }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/problem+json; charset=utf-8',
);

describe('every HTTP route under random input', () => {
  it('finds the routes to fuzz', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it('never answers 5xx, answers every error as problem+json, and never returns a secret or token', async () => {
    const secrets = api.app.secretValues.filter((value) => value.length >= 8);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.oneof(fc.constant(undefined), fc.constantFrom(...METHODS)),
        fc.dictionary(fc.constantFrom(...QUERY_KEYS), queryValue, { maxKeys: 4 }),
        paramValue,
        body,
        contentType,
        async (pick, otherMethod, query, param, payload, type) => {
          const route = routes[pick % routes.length];
          if (!route?.route) return;
          const method = otherMethod ?? route.methods?.[0] ?? 'GET';
          const path = route.route.replace(/\{[^}]+\}/g, () => encodeURIComponent(param) || 'x');
          const url = new URL(`${api.host.httpUrl}${path}`);
          for (const [key, value] of Object.entries(query)) url.searchParams.append(key, value);
          const sendsBody = payload !== undefined && method !== 'GET';
          const response = await fetch(url, {
            method,
            headers: type && sendsBody ? { 'content-type': type } : {},
            ...(sendsBody ? { body: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
          });
          const text = await response.text();
          const where = `${method} ${url.pathname}${url.search} -> ${response.status}`;
          expect(response.status, where).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get('content-type'), where).toBe('application/problem+json');
            const problem = JSON.parse(text) as { status?: unknown; code?: unknown };
            expect(problem.status, where).toBe(response.status);
            expect(typeof problem.code, where).toBe('string');
          }
          const sent = sentSecret(payload);
          for (const secret of sent ? [...secrets, sent] : secrets) {
            expect(text.includes(secret), `${where} echoed a secret`).toBe(false);
          }
          expect(TOKEN_PATTERN.test(text), `${where} returned a token`).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** The `secret` value a fuzzed body carried (long enough to recognise), to check it is never echoed. */
function sentSecret(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const secret = (JSON.parse(payload) as { secret?: unknown }).secret;
    return typeof secret === 'string' && secret.length >= 8 ? secret : undefined;
  } catch {
    return undefined;
  }
}
