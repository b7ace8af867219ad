import type { Browser, Page } from 'playwright-core';

/**
 * Opens the shop page served at `origin` in a fresh browser context (no cookies or storage
 * from an earlier test) and resolves once the page says its telemetry has started.
 */
export async function openShop(browser: Browser, origin: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-telemetry="ready"]', { timeout: 10_000 });
  return page;
}
