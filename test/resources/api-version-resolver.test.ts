import { createHttpHeaders, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { ApiVersionResolver, FALLBACK_API_VERSION } from '../../lib/resources/api-version-resolver';

const ARM = 'https://management.example';
const redis = (n: number) =>
  `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Cache/Redis/r${n}`;
const unknown = (n: number) =>
  `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Contoso.Widgets/gadgets/g${n}`;

/** A pipeline stand-in that answers provider lookups with scripted statuses and counts them. */
function providerClient(answer: (url: string) => { status: number; body?: unknown }) {
  const asked: string[] = [];
  return {
    asked,
    sendRequest: async (request: PipelineRequest): Promise<PipelineResponse> => {
      asked.push(request.url);
      const { status, body } = answer(request.url);
      return { request, status, headers: createHttpHeaders(), bodyAsText: JSON.stringify(body ?? {}) };
    },
  };
}

describe('ApiVersionResolver', () => {
  it('asks a provider once per type and process, and uses its newest stable version', async () => {
    const client = providerClient(() => ({
      status: 200,
      body: {
        resourceTypes: [{ resourceType: 'Redis', apiVersions: ['2024-11-01-preview', '2024-03-01', '2023-08-01'] }],
      },
    }));
    const resolver = new ApiVersionResolver(ARM);
    expect(await resolver.resolve(client, redis(1))).toBe('2024-03-01');
    expect(await resolver.resolve(client, redis(2))).toBe('2024-03-01');
    expect(client.asked).toHaveLength(1);
  });

  it('keeps "not found" too: an unregistered provider is asked once, not once per resource and hour', async () => {
    const client = providerClient(() => ({ status: 404, body: { error: { code: 'InvalidResourceNamespace' } } }));
    const resolver = new ApiVersionResolver(ARM);
    expect(await resolver.resolve(client, unknown(1))).toBe(FALLBACK_API_VERSION);
    expect(await resolver.resolve(client, unknown(2))).toBe(FALLBACK_API_VERSION);
    expect(client.asked).toHaveLength(1);
  });

  it('asks again after a transient failure instead of pinning the fallback', async () => {
    let status = 503;
    const client = providerClient(() =>
      status === 503
        ? { status }
        : { status, body: { resourceTypes: [{ resourceType: 'Redis', apiVersions: ['2024-03-01'] }] } },
    );
    const resolver = new ApiVersionResolver(ARM);
    expect(await resolver.resolve(client, redis(1))).toBe(FALLBACK_API_VERSION);
    status = 200;
    expect(await resolver.resolve(client, redis(1))).toBe('2024-03-01');
    expect(client.asked).toHaveLength(2);
  });
});
