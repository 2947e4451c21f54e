// What a phone needs in headless Chromium that the browser cannot give it, and the partner's side
// of a browser sign-in. Shared by the browser tests.
import type * as oidc from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { PARTNER_CALLBACK, redeem, type PendingAuthorization } from './partner.ts';
import type { VirtualAuthenticator } from './virtual-authenticator.ts';

/** A phone played by a Chromium context: its page, its biometrics, and its push subscription's token. */
export interface Phone {
  context: BrowserContext;
  page: Page;
  authenticator: VirtualAuthenticator;
  pushToken: string;
}

/**
 * An init script (runs in the page): grants notifications and stands in for pushManager.subscribe
 * with `subscription` (headless Chromium has no push service). With `noAutofill`, passkey autofill
 * is switched off too — the virtual authenticator would answer it at once — so tests press the
 * buttons a user presses.
 */
export function phoneStandIns({ subscription, noAutofill }: { subscription: unknown; noAutofill: boolean }): void {
  Object.defineProperty(Notification, 'permission', { get: () => 'granted' });
  Notification.requestPermission = () => Promise.resolve('granted');
  PushManager.prototype.subscribe = () => Promise.resolve({ toJSON: () => subscription } as unknown as PushSubscription);
  if (noAutofill && window.PublicKeyCredential) {
    (PublicKeyCredential as unknown as { isConditionalMediationAvailable: () => Promise<boolean> }).isConditionalMediationAvailable = () => Promise.resolve(false);
  }
}

/** Back at the partner (allowing access when asked): the tokens it redeems. */
export async function tokensAt(page: Page, config: oidc.Configuration, pending: PendingAuthorization): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const allow = page.getByRole('button', { name: 'Allow' });
  const arrived = await Promise.race([
    page.waitForURL(`${PARTNER_CALLBACK}**`, { timeout: 15_000 }).then(() => 'callback'),
    allow.waitFor({ timeout: 15_000 }).then(() => 'consent'),
  ]);
  if (arrived === 'consent') {
    await allow.click();
    await page.waitForURL(`${PARTNER_CALLBACK}**`);
  }
  return redeem(config, pending, page.url());
}
