// A passkey sign-up in a Chromium page, as a user does it from tobira's account menu: e-mail, the
// code from the mail, a name, then the page's authenticator makes the passkey. Language-independent
// (element ids, not texts), so both languages' tests share it.
import type { Page } from 'playwright-core';
import { mailText } from './account-menu.ts';
import type { SmtpSink } from './smtp-sink.ts';

/** Signs `email` up with a passkey on `page`'s authenticator; ends signed in on /account. */
export async function passkeySignUpInBrowser(page: Page, issuer: string, sink: SmtpSink, email: string, name: string): Promise<void> {
  await page.goto(`${issuer}/account/login`);
  await page.locator('a[href$="/signup"]').click();
  await page.locator('#email').fill(email);
  const since = sink.messages.length;
  await page.locator('button[type=submit]').click();
  // The mail's text carries the code in either language (an English subject does too).
  const mail = await sink.latestTo(email, since);
  const code = /\b(\d{6})\b/.exec(mailText(mail.raw))?.[1] ?? /(\d{6})/.exec(mail.subject)?.[1];
  if (!code) throw new Error(`no code in the sign-up mail to ${email}`);
  await page.locator('#code').fill(code);
  await page.locator('button[type=submit]').click();
  await page.locator('#name').fill(name);
  await page.locator('#create-passkey').click();
  await page.waitForURL(`${issuer}/account`);
}
