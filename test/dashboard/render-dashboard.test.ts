import { describe, expect, it } from 'vitest';
import type { DashboardModel } from '../../lib/dashboard/build-dashboard-model';
import { escapeHtml } from '../../lib/dashboard/escape-html';
import { renderDashboard } from '../../lib/dashboard/render-dashboard';
import { renderSvgSparkline } from '../../lib/dashboard/render-svg-sparkline';

const evil = '<img src=x onerror=alert(1)>"\'&';

function model(overrides: Partial<DashboardModel['customers'][number]> = {}): DashboardModel {
  return {
    generatedAt: '2026-11-22T10:00:00.000Z',
    customers: [
      {
        id: 'acme',
        displayName: evil,
        enabled: true,
        authMode: 'clientSecret',
        health: 'failing',
        healthReason: evil,
        lastSuccessAt: '2026-11-22T08:00:00Z',
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
            series: [{ metric: evil, unit: 'Percent', day: [1, 5, 3], week: [2, 4], latest: 3 }],
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
        ...overrides,
      },
    ],
  };
}

describe('renderDashboard', () => {
  it('escapes every value that comes from data', () => {
    const html = renderDashboard(model());
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror=alert\(1\)>/);
    expect(html).toContain(escapeHtml(evil));
  });

  it('shows health, the secret countdown, the failing code and its fix, and capacity state and SKU', () => {
    const html = renderDashboard(model());
    expect(html).toMatch(/data-health="failing"/);
    expect(html).toMatch(/<span class="crit"[^>]*>expires in 5 d<\/span>/);
    expect(html).toContain('<span>Fix:</span>');
    expect(html).toMatch(/data-state="Paused">Paused · F64</);
    expect(html).toContain('<meta http-equiv="refresh" content="60">');
    expect(html).toContain('2 h ago');
  });

  it('counts a customer whose last run failed as needing attention, even while its health is still healthy', () => {
    const failedOnce = model({ health: 'healthy', secretExpiry: 'ok', daysToExpiry: 200 });
    expect(renderDashboard(failedOnce)).toContain('data-attention="1">1 need attention</span>');
    const fine = model({ health: 'healthy', secretExpiry: 'ok', daysToExpiry: 200, errorCode: undefined });
    expect(renderDashboard(fine)).not.toContain('need attention');
  });

  it('contains no script and loads nothing from elsewhere', () => {
    const html = renderDashboard(model());
    expect(html).not.toMatch(/<script|<link|src="http|url\(/i);
  });
});

describe('renderSvgSparkline', () => {
  it('draws one polyline vertex per value and labels min, max and last', () => {
    const svg = renderSvgSparkline([10, 20, 15], { label: 'CPU', unit: '%' });
    expect(svg).toContain('data-points="3"');
    expect(svg.match(/<polyline points="([^"]+)"/)![1]!.split(' ')).toHaveLength(3);
    expect(svg).toContain('CPU: min 10 %, max 20 %, last 15 % (3 points)');
  });

  it('draws a dashed placeholder for an empty series', () => {
    expect(renderSvgSparkline([], { label: 'CPU' })).toMatch(/data-points="0".*class="none"/);
  });
});
