// Sign-ups as a user clicks through them in Chromium: the password sign-up from a partner's sign-up
// page (e-mail, the mailed code read from whichever SmtpSink of this process got it, name and
// password), and the passkey sign-up from tobira's account menu (element ids, not texts, so both
// languages' tests share it).
import type { Page } from 'playwright-core';
import { mailText } from './account-menu.ts';
import { PARTNER_CALLBACK } from './partner.ts';
import { SmtpSink } from './smtp-sink.ts';

export async function passwordSignUpIn(page: Page, email: string, name: string, password: string): Promise<void> {
  await page.getByRole('link', { name: 'Sign up with a password instead' }).click();
  await page.getByLabel('E-mail address').fill(email);
  const marks = SmtpSink.marks();
  await page.getByRole('button', { name: 'Send the code' }).click();
  await page.getByLabel('Verification code').fill(await SmtpSink.codeSentTo(email, marks));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByLabel('Name (shown to services)').fill(name);
  await page.getByLabel('Password (at least 12 characters)').fill(password);
  await page.getByRole('button', { name: 'Create account and sign in' }).click();
}

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

/**
 * Opens `url` (a partner's sign-in page, or /device), follows "Create one" and signs `email` up with
 * a passkey on `page`'s authenticator (English pages); ends where the sign-up sends the browser next.
 */
export async function passkeySignUpFrom(page: Page, url: string, sink: SmtpSink, email: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('link', { name: 'Create one' }).click();
  await page.getByLabel('E-mail address').fill(email);
  const since = sink.messages.length;
  await page.getByRole('button', { name: 'Send the code' }).click();
  await page.getByLabel('Verification code').fill(await sink.codeFor(email, since));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByLabel('Name (shown to services)').fill(name);
  await page.getByRole('button', { name: 'Create passkey and sign up' }).click();
}

/**
 * Signs `email` up with a passkey from a partner's sign-in page (English), allows the partner,
 * and waits for the partner's callback: how the console suites make an operator's own account.
 */
export async function passkeySignUpAtPartner(page: Page, authorizationUrl: string, sink: SmtpSink, email: string, name: string): Promise<void> {
  await passkeySignUpFrom(page, authorizationUrl, sink, email, name);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(`${PARTNER_CALLBACK}**`);
}
