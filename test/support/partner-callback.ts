// The partner's callback in a Chromium test. No partner server runs: the browser is sent to
// PARTNER_CALLBACK, which a route may answer or the browser may fail to load (a route cannot
// always answer the last hop of a server redirect chain), so the test takes the URL from the
// navigation request itself. It then waits until that navigation has committed its document (the
// route's page or the browser's error page) and loaded it, so that nothing of it is left to
// interrupt the test's next navigation. A late commit once did exactly that under CI load, when
// this waited five seconds and went on regardless.
import type { Frame, Locator, Page } from 'playwright-core';
import { PARTNER_CALLBACK } from './partner.ts';

function isCallbackDocument(frame: Frame, page: Page): boolean {
  if (frame !== page.mainFrame()) return false;
  const url = frame.url();
  return url.startsWith('chrome-error:') || url.startsWith(PARTNER_CALLBACK);
}

/** Resolves with the callback URL the page is sent to (code, state, iss), waiting up to `timeoutMs`. */
export async function partnerCallbackUrl(page: Page, timeoutMs = 15_000): Promise<string> {
  // Both waits start before the navigation does: a commit can only be this navigation's, never
  // the page the browser was on before (which may itself be an earlier callback's error page).
  const committed = page.waitForEvent('framenavigated', { predicate: (frame) => isCallbackDocument(frame, page), timeout: timeoutMs + 15_000 });
  const request = await page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(PARTNER_CALLBACK), { timeout: timeoutMs })
    .catch((error: unknown) => { committed.catch(() => undefined); throw error; });
  await committed;
  await page.waitForLoadState('load', { timeout: 15_000 });
  return request.url();
}

/**
 * The callback URL after a sign-in: straight there with a remembered consent, or through the
 * consent page, whose "Allow" is pressed. `allow` names that button in the page's language.
 */
export async function backAtPartner(page: Page, allow: Locator, timeoutMs: number): Promise<string> {
  const straight = partnerCallbackUrl(page, timeoutMs);
  const arrived = await Promise.race([
    straight,
    allow.waitFor({ timeout: timeoutMs }).then(() => 'consent' as const),
  ]);
  if (arrived !== 'consent') return arrived;
  // The first wait may still time out; the click gets a wait of its own, begun before it.
  straight.catch(() => undefined);
  const [url] = await Promise.all([partnerCallbackUrl(page), allow.click()]);
  return url;
}
