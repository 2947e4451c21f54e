// The partner's callback in a Chromium test. No partner server runs: the browser is sent to
// PARTNER_CALLBACK and fails to load it, and a route cannot answer the last hop of a server redirect
// chain, so the test takes the URL from the navigation request itself. It then waits for the
// browser's error page to settle, so that it cannot interrupt the test's next navigation.
import type { Locator, Page } from 'playwright-core';
import { PARTNER_CALLBACK } from './partner.ts';

/** Resolves with the callback URL the page is sent to (code, state, iss), waiting up to `timeoutMs`. */
export async function partnerCallbackUrl(page: Page, timeoutMs = 15_000): Promise<string> {
  const request = await page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(PARTNER_CALLBACK), { timeout: timeoutMs });
  await request.response().catch(() => null);
  // The failed load ends on the browser's error page; once it is there, nothing is left to interrupt.
  await page.waitForURL((url) => url.protocol === 'chrome-error:' || url.href.startsWith(PARTNER_CALLBACK), { waitUntil: 'commit', timeout: 5_000 }).catch(() => undefined);
  return request.url();
}

/**
 * The callback URL after a sign-in: straight there with a remembered consent, or through the
 * consent page, whose "Allow" is pressed. `allow` names that button in the page's language.
 */
export async function backAtPartner(page: Page, allow: Locator, timeoutMs: number): Promise<string> {
  const arrived = await Promise.race([
    partnerCallbackUrl(page, timeoutMs),
    allow.waitFor({ timeout: timeoutMs }).then(() => 'consent' as const),
  ]);
  if (arrived !== 'consent') return arrived;
  const [url] = await Promise.all([partnerCallbackUrl(page), allow.click()]);
  return url;
}

