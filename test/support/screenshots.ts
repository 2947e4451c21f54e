// The pictures in the README and docs/screenshots/ are taken by the browser suites, but only when
// asked: `npm run screenshots` runs them with TOBIRA_SCREENSHOTS=1 (then refreshes docs/screenshots/
// through scripts/copy-screenshots.ts). A plain test run takes none, so what a test checks never
// depends on a picture being written, and `npm test` leaves nothing behind but its own output.
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

export const SCREENSHOTS_DIR = 'test-output/screenshots';

export const TAKING_SCREENSHOTS = process.env.TOBIRA_SCREENSHOTS === '1';

/** Saves `target` as SCREENSHOTS_DIR/<name>.png when this run takes screenshots: a page full length, a locator as it is. */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  if (!TAKING_SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = `${SCREENSHOTS_DIR}/${name}.png`;
  if ('goto' in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}
