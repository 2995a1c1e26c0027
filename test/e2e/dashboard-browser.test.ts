import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHost, type ApiHost } from '../support/start-api-host';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(__dirname, '../../test-output');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPING the dashboard browser test: ${CHROMIUM} is missing.\n!! Install it with: sudo apt-get install -y chromium\n${'!'.repeat(78)}\n`,
  );
}

let api: ApiHost;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  api = await startApiHost();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe.skipIf(!available)('the dashboard in headless Chromium', () => {
  it('lists the demo customers with their states, customers needing action first', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${api.host.httpUrl}/api/dashboard`);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Cross-tenant collector');

    const tile = async (id: string) => ({
      health: await page.getAttribute(`[data-customer="${id}"]`, 'data-health'),
      lastRun: await page.getAttribute(`[data-customer="${id}"]`, 'data-last-run'),
    });
    expect(await tile('contoso')).toEqual({ health: 'healthy', lastRun: 'ok' });
    // An expired secret is permanent: the customer must act, at once.
    expect(await tile('fabrikam')).toEqual({ health: 'actionRequired', lastRun: 'failed' });
    expect(await tile('northwind')).toEqual({
      health: expect.stringMatching(/^(actionRequired|degraded|failing)$/),
      lastRun: 'failed',
    });
    await expect(page.locator('[data-customer="fabrikam"] .problem').innerText()).resolves.toContain('AADSTS7000222');
    await expect(page.locator('[data-customer="northwind"] .problem').innerText()).resolves.toContain(
      'AuthorizationFailed',
    );
    await expect(
      page.locator('[data-customer="contoso"] [data-resource="fabriccontoso"] .state').innerText(),
    ).resolves.toBe('Active · F64');
    const order = await page
      .locator('[data-customer]')
      .evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-health')));
    const rank = ['actionRequired', 'failing', 'degraded', 'stale', 'unknown', 'healthy', 'disabled'];
    expect(order.map((h) => rank.indexOf(h ?? ''))).toEqual(
      [...order.map((h) => rank.indexOf(h ?? ''))].sort((a, b) => a - b),
    );
    // The list draws no chart: it reads no history.
    await expect(page.locator('svg.spark').count()).resolves.toBe(0);

    await page.fill('input[name="q"]', 'north');
    await page.click('button[type="submit"]');
    await page.waitForURL(/[?&]q=north/);
    await expect(page.locator('[data-customer]').count()).resolves.toBe(1);
    await expect(page.getAttribute('[data-customer]', 'data-customer')).resolves.toBe('northwind');

    mkdirSync(OUTPUT, { recursive: true });
    await page.goto(`${api.host.httpUrl}/api/dashboard`);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-1280.png'), fullPage: true });
    await page.close();
  });

  it("opens a customer's page with a chart per series drawn from the summaries", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${api.host.httpUrl}/api/dashboard`);
    await page.click('[data-customer="contoso"] h2 a');
    await page.waitForURL(`${api.host.httpUrl}/api/dashboard/customers/contoso`);
    const charts = await page
      .locator('[data-resource="vm-contoso-gw"] svg.spark')
      .evaluateAll((svgs) =>
        svgs.map((svg) => [
          Number(svg.getAttribute('data-points')),
          svg.querySelector('polyline')?.getAttribute('points')?.split(' ').length ?? 0,
        ]),
      );
    // 24 h and 7 d: one vertex per hour with data (the collected hour and the hour its look-back reached).
    expect(charts).toHaveLength(2);
    for (const [points, vertices] of charts) {
      expect(points).toBeGreaterThan(0);
      expect(vertices).toBe(points);
    }
    await page.screenshot({ path: join(OUTPUT, 'dashboard-customer-1280.png'), fullPage: true });
    await page.close();
  });

  it('fits a phone-width screen without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const path of ['/api/dashboard', '/api/dashboard/customers/contoso']) {
      await page.goto(`${api.host.httpUrl}${path}`);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: join(OUTPUT, 'dashboard-phone.png'), fullPage: true });
    await page.close();
  });
});
