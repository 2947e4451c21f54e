// The password sign-up as a user clicks through it in Chromium: from the sign-up page, the e-mail,
// the code mailed to it (read from whichever SmtpSink of this process got it), name and password.
import type { Page } from 'playwright-core';
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
