// The identifier-first sign-in page in Chromium: type the e-mail, press "Next", and use one way,
// wherever the page's plan put it (the main way, or under "other ways to sign in").
import type { Page } from 'playwright-core';

export type Way = 'passkey' | 'push' | 'password';

const BLOCK: Record<Way, string> = { passkey: '#way-passkey', push: '#way-push', password: '#password-row' };

/** Presses "Next" (if it is there) and waits for the plan; returns the way it put first. */
export async function nextStep(page: Page): Promise<{ primary: Way; startAtOnce: boolean }> {
  const next = page.locator('#next-button');
  if (await next.isVisible()) await next.click();
  await page.locator('#passkey-login[data-primary]').waitFor({ state: 'attached' });
  const root = page.locator('#passkey-login');
  return { primary: await root.getAttribute('data-primary') as Way, startAtOnce: await root.getAttribute('data-start-at-once') === 'true' };
}

/** Brings one way into view: after "Next", opening "other ways" when it is not the main one. */
export async function showWay(page: Page, way: Way): Promise<void> {
  await nextStep(page);
  const block = page.locator(BLOCK[way]);
  if (!await block.isVisible()) await page.locator('#other-ways-summary').click();
  await block.waitFor();
}

/**
 * Types the address and asks its phones ("Notify my phone"), unless the plan already did it by
 * itself (the linked always-passkey account on a PC).
 */
export async function notifyPhoneFor(page: Page, email: string): Promise<void> {
  await page.locator('#email').fill(email);
  const plan = await nextStep(page);
  if (plan.primary === 'push' && plan.startAtOnce) return;
  await showWay(page, 'push');
  await page.locator('#push-button').click();
}

/** Opens "other ways to sign in" (where the help links live) if it is closed. */
export async function openOtherWays(page: Page): Promise<void> {
  await page.locator('#email').waitFor();
  if (await page.locator('#other-ways').getAttribute('open') === null) await page.locator('#other-ways-summary').click();
}
