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
  it('shows the three demo customers with their states and charts with datapoints', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${api.host.httpUrl}/api/dashboard`);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Cross-tenant collector');

    const tile = async (id: string) => ({
      health: await page.getAttribute(`[data-customer="${id}"]`, 'data-health'),
      lastRun: await page.getAttribute(`[data-customer="${id}"]`, 'data-last-run'),
    });
    // One failed run is not yet "degraded" (that takes 3 in a row); the last run's failure shows at once.
    expect(await tile('contoso')).toEqual({ health: 'healthy', lastRun: 'ok' });
    expect(await tile('fabrikam')).toEqual({
      health: expect.stringMatching(/^(healthy|degraded|failing)$/),
      lastRun: 'failed',
    });
    expect(await tile('northwind')).toEqual({
      health: expect.stringMatching(/^(healthy|degraded|failing)$/),
      lastRun: 'failed',
    });
    await expect(page.locator('[data-customer="fabrikam"] .problem').innerText()).resolves.toContain('AADSTS7000222');
    await expect(page.locator('[data-customer="northwind"] .problem').innerText()).resolves.toContain(
      'AuthorizationFailed',
    );
    await expect(
      page.locator('[data-customer="contoso"] [data-resource="fabriccontoso"] .state').innerText(),
    ).resolves.toBe('Active · F64');

    const points = await page
      .locator('[data-customer="contoso"] svg.spark')
      .evaluateAll((svgs) => svgs.map((svg) => Number(svg.getAttribute('data-points'))));
    expect(Math.max(...points)).toBe(12);
    const vertices = await page
      .locator('[data-customer="contoso"] [data-resource="vm-contoso-gw"] svg.spark polyline')
      .first()
      .getAttribute('points');
    expect(vertices?.split(' ')).toHaveLength(12);

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'dashboard-1280.png'), fullPage: true });
    await page.close();
  });

  it('fits a phone-width screen without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${api.host.httpUrl}/api/dashboard`);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(OUTPUT, 'dashboard-phone.png'), fullPage: true });
    await page.close();
  });
});
