// The pictures of `npm run screenshots` (docs/screens.md): every page the browser suites visit, at
// phone and desktop size, in each language a suite shows it in. axe.ts hands over each page the
// first time it loads, as its HTML just after loading; this file shows that HTML again in a
// context of each size with scripts off (what the page's script had done by then is in the HTML
// already; nothing runs twice) and keeps one PNG per page, size and language, at device scale 1.
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';

export const SCREENS_DIR = 'test-output/screens';
export const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

const taken = new Set<string>();
let cleared = false;
const contexts = new WeakMap<Browser, Promise<Record<keyof typeof SIZES, BrowserContext>>>();

/** The unwatched contexts the pictures are taken in (newContextUnwatched: no audit of the copies). */
function picturesContexts(browser: Browser): Promise<Record<keyof typeof SIZES, BrowserContext>> {
  let made = contexts.get(browser);
  if (!made) {
    const open = (size: (typeof SIZES)[keyof typeof SIZES]) => (browser as Browser & { newContextUnwatched: Browser['newContext'] }).newContextUnwatched({ viewport: size, deviceScaleFactor: 1, javaScriptEnabled: false, colorScheme: 'light' });
    made = Promise.all([open(SIZES.phone), open(SIZES.desktop)]).then(([phone, desktop]) => ({ phone, desktop }));
    contexts.set(browser, made);
  }
  return made;
}

export async function captureScreens(browser: Browser, url: string, html: string, pageId: string, lang: string): Promise<void> {
  const key = `${pageId}--${lang}`;
  if (taken.has(key)) return;
  taken.add(key);
  // A run starts from an empty folder, so a page no suite shows any more leaves no stale picture.
  if (!cleared) rmSync(SCREENS_DIR, { recursive: true, force: true });
  cleared = true;
  mkdirSync(SCREENS_DIR, { recursive: true });
  const sized = await picturesContexts(browser);
  for (const [size, context] of Object.entries(sized)) {
    const page = await context.newPage();
    try {
      // The document is the HTML as it was; its stylesheet and images come from the server as usual.
      await page.route((address) => address.href === url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
      await page.goto(url, { waitUntil: 'load' });
      // The console's views are console/<name>: one flat folder, console-<name>.
      await page.screenshot({ path: `${SCREENS_DIR}/${pageId.replaceAll('/', '-')}--${size}-${lang}.png`, fullPage: true });
    } finally {
      await page.close();
    }
  }
}
