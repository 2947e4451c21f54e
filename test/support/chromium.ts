// Real headless Chromium (Debian's package) driven by playwright-core. Every context a suite opens
// is audited with axe-core on each page load (axe.ts), at the suite's viewport; a context opened
// without one gets the desktop size the docs and the review use (1280×800).
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { watchAccessibility } from './axe.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };
export const PHONE_VIEWPORT = { width: 390, height: 844 };

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Without the networking flags Chromium keeps dialling Google's hosts, which this sandbox refuses.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const newContext = browser.newContext.bind(browser);
  const watched = async (options: BrowserContextOptions = {}): Promise<BrowserContext> => {
    const context = await newContext({ ...options, viewport: options.viewport === undefined ? DESKTOP_VIEWPORT : options.viewport });
    watchAccessibility(browser, context);
    return context;
  };
  Object.assign(browser, { newContext: watched, newContextUnwatched: newContext });
  return browser;
}
