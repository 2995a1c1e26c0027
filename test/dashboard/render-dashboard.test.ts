import { describe, expect, it } from 'vitest';
import type { CustomerDetail } from '../../lib/dashboard/build-customer-detail';
import type { DashboardCustomer, DashboardModel } from '../../lib/dashboard/build-dashboard-model';
import { escapeHtml } from '../../lib/dashboard/escape-html';
import { renderCustomerDetail } from '../../lib/dashboard/render-customer-detail';
import { renderDashboard } from '../../lib/dashboard/render-dashboard';
import { renderSvgSparkline } from '../../lib/dashboard/render-svg-sparkline';

const evil = '<img src=x onerror=alert(1)>"\'&';

function customer(overrides: Partial<DashboardCustomer> = {}): DashboardCustomer {
  return {
    id: 'acme',
    displayName: evil,
    enabled: true,
    authMode: 'clientSecret',
    health: 'failing',
    healthReason: evil,
    lastSuccessAt: '2026-11-22T08:00:00Z',
    lastAttemptAt: '2026-11-22T09:55:00Z',
    errorCode: evil,
    errorMessage: evil,
    errorFix: evil,
    daysToExpiry: 5,
    secretExpiry: 'critical',
    resources: [
      {
        resourceId: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Fabric/capacities/${evil}`,
        name: evil,
        type: 'Microsoft.Fabric/capacities',
        state: 'Paused',
        sku: 'F64',
        ok: true,
      },
    ],
    ...overrides,
  };
}

function model(overrides: Partial<DashboardModel> = {}, c: Partial<DashboardCustomer> = {}): DashboardModel {
  return {
    generatedAt: '2026-11-22T10:00:00.000Z',
    query: { page: 1, pageSize: 50, q: evil },
    counts: { failing: 1 },
    total: 1,
    matching: 1,
    pageCount: 1,
    customers: [customer(c)],
    ...overrides,
  };
}

const detail: CustomerDetail = {
  generatedAt: '2026-11-22T10:00:00.000Z',
  customer: customer(),
  resources: [
    {
      resourceId: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${evil}/blobServices/default`,
      name: 'default',
      type: 'Microsoft.Storage/storageAccounts/blobServices',
      ok: true,
      series: [
        {
          metric: 'BlobCount',
          dimensions: { Tier: 'Hot' },
          label: 'BlobCount · Tier=Hot',
          interval: 'PT1H',
          latest: 7,
          day: [6, 7],
          week: [5, 6, 7],
          provisionalHours: 0,
        },
        {
          metric: 'BlobCount',
          dimensions: { Tier: evil },
          label: `BlobCount · Tier=${evil}`,
          interval: 'PT1H',
          latest: 2,
          latestProvisional: true,
          day: [2],
          week: [2],
          provisionalHours: 1,
        },
        {
          metric: 'CUPercent',
          label: 'CUPercent',
          unit: 'Percent',
          interval: 'PT5M',
          latest: 120,
          day: [80, 120],
          week: [120],
          provisionalHours: 0,
          referenceLine: 100,
          marks: [1],
        },
      ],
    },
  ],
  recentRuns: [
    {
      runId: 'r1',
      customerId: 'acme',
      trigger: 'manual',
      windowStart: '2026-11-22T09:00:00Z',
      windowEnd: '2026-11-22T10:00:00Z',
      status: 'failed',
      updatedAt: '',
      errorCode: evil,
    },
  ],
};

describe('renderDashboard (the fleet list)', () => {
  it('escapes every value that comes from data', () => {
    for (const html of [renderDashboard(model()), renderCustomerDetail(detail)]) {
      expect(html).not.toContain('<img');
      expect(html).not.toMatch(/onerror=alert\(1\)>/);
      expect(html).toContain(escapeHtml(evil));
    }
  });

  it('shows health, the secret countdown, the failing code and its fix, capacity state and SKU, and links to the customer page', () => {
    const html = renderDashboard(model());
    expect(html).toMatch(/data-health="failing"/);
    expect(html).toMatch(/<span class="crit"[^>]*>expires in 5 d<\/span>/);
    expect(html).toContain('<span>Fix:</span>');
    expect(html).toMatch(/data-state="Paused">Paused · F64</);
    expect(html).toContain('<meta http-equiv="refresh" content="60">');
    expect(html).toContain('2 h ago');
    expect(html).toContain('href="/api/dashboard/customers/acme"');
    // The list draws no chart: charts come from the customer's page.
    expect(html).not.toContain('<svg');
  });

  it('counts a customer whose last run failed as needing attention, even while its health is still healthy', () => {
    const failedOnce = model({}, { health: 'healthy', secretExpiry: 'ok', daysToExpiry: 200 });
    expect(renderDashboard(failedOnce)).toContain('data-attention="1">1 on this page need attention</span>');
    const fine = model({}, { health: 'healthy', secretExpiry: 'ok', daysToExpiry: 200, errorCode: undefined });
    expect(renderDashboard(fine)).not.toContain('need attention');
  });

  it('filters by state with chips that keep the search, and pages with links that keep both', () => {
    const html = renderDashboard(
      model({
        query: { page: 2, pageSize: 5, q: 'fleet', state: 'degraded' },
        counts: { actionRequired: 2, degraded: 12, healthy: 30 },
        total: 44,
        matching: 12,
        pageCount: 3,
      }),
    );
    expect(html).toContain('href="/api/dashboard?state=actionRequired&amp;q=fleet&amp;pageSize=5"');
    expect(html).toMatch(/aria-current="true"><span class="badge h-degraded">12 Degraded<\/span>/);
    expect(html).toContain('rel="prev" href="/api/dashboard?state=degraded&amp;q=fleet&amp;pageSize=5"');
    expect(html).toContain('rel="next" href="/api/dashboard?state=degraded&amp;q=fleet&amp;page=3&amp;pageSize=5"');
    expect(html).toContain('Page 2 of 3');
    expect(html).toContain('<input type="search" name="q" value="fleet"');
  });

  it("keeps a large customer's tile small: failing resources first, at most 8, the rest counted", () => {
    const resources = Array.from({ length: 1000 }, (_, i) => ({
      resourceId: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${i}`,
      name: `vm${i}`,
      type: 'Microsoft.Compute/virtualMachines',
      ok: i !== 500,
      ...(i === 500 ? { errorCode: 'AuthorizationFailed' } : {}),
    }));
    const html = renderDashboard(model({}, { resources }));
    expect(html.match(/<li data-resource=/g)).toHaveLength(8);
    expect(html).toMatch(/<ul class="rlist"><li data-resource="vm500">/);
    expect(html).toContain('and 992 more');
    expect(html).toContain('1000 resources · <span class="crit">1 failing</span>');
  });

  it('contains no script and loads nothing from elsewhere', () => {
    for (const html of [renderDashboard(model()), renderCustomerDetail(detail)]) {
      expect(html).not.toMatch(/<script|<link|src="http|url\(/i);
    }
  });
});

describe('renderCustomerDetail', () => {
  it('draws each split series on its own row, labelled with its dimension values', () => {
    const html = renderCustomerDetail(detail);
    expect(html).toContain('<tr data-series="BlobCount · Tier=Hot" data-dimensions="Tier=Hot">');
    expect(html).toContain('<span class="dims">Tier=Hot</span>');
    expect(html).toContain(`data-dimensions="Tier=${escapeHtml(evil)}"`);
    expect(html.match(/<tr data-series=/g)).toHaveLength(3);
    expect(html).toContain('default BlobCount · Tier=Hot, last 24 h (hourly): min 6, max 7, last 7 (2 points)');
  });

  it('marks a provisional latest value, and draws the CU % limit line with throttled hours marked', () => {
    const html = renderCustomerDetail(detail);
    expect(html).toContain('<span class="prov" title="may still change">provisional</span>');
    expect(html).toContain('data-reference="100"');
    expect(html).toContain('class="mark"');
    expect(html).toContain('href="/api/dashboard"');
  });
});

describe('renderSvgSparkline', () => {
  it('draws one polyline vertex per value and labels min, max and last', () => {
    const svg = renderSvgSparkline([10, 20, 15], { label: 'CPU', unit: '%' });
    expect(svg).toContain('data-points="3"');
    expect(svg.match(/<polyline points="([^"]+)"/)![1]!.split(' ')).toHaveLength(3);
    expect(svg).toContain('CPU: min 10 %, max 20 %, last 15 % (3 points)');
  });

  it('leaves a gap for hours without data instead of joining their neighbours', () => {
    const svg = renderSvgSparkline([1, 2, null, null, 5, null, 7, 8], { label: 'CPU' });
    expect(svg).toContain('data-points="5"');
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(' ').length);
    expect(lines).toEqual([2, 2]);
    expect(svg).toContain('class="lone"');
    expect(svg).toContain('CPU: min 1, max 8, last 8 (5 points)');
  });

  it('draws a dashed placeholder for an empty series', () => {
    expect(renderSvgSparkline([], { label: 'CPU' })).toMatch(/data-points="0".*class="none"/);
  });
});
