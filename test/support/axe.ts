// axe-core over every page the browser suites visit. launchChromium() (chromium.ts) watches every
// context: each time a page finishes loading, axe-core (from node_modules, injected through the
// DevTools protocol, so the pages' strict CSP needs no exception) audits it, once per page (its
// body[data-page]), language and viewport, and the root afterEach hook (hooks.ts) fails the test
// with the violations listed. No rule is turned off. The same watch checks that each page loads
// one stylesheet and at most one script.
//
// With TOBIRA_SCREENSHOTS=1 the same watch keeps a picture of each page at phone and desktop size
// (screens.ts): the pictures of `npm run screenshots`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { captureScreens } from './screens.ts';
import { TAKING_SCREENSHOTS } from './screenshots.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now; the violations (none is success). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Axe = { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> };
    const holder = window as unknown as { axe: Axe; axeQueue?: Promise<unknown> };
    // axe runs one audit at a time per page: a suite's own check waits for the watcher's.
    const run = (holder.axeQueue ?? Promise.resolve()).catch(() => undefined).then(() => holder.axe.run(document, { resultTypes: ['violations'] }));
    holder.axeQueue = run;
    const result = await run;
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** Fails with the violations listed, one line per rule and element. */
export async function assertAccessible(page: Page, label = page.url()): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length > 0) throw new Error(formatViolations([{ label, violations }]));
}

interface Finding {
  label: string;
  violations: AxeViolation[];
}

function formatViolations(findings: readonly Finding[]): string {
  const lines = ['axe-core found accessibility violations:'];
  for (const { label, violations } of findings) {
    for (const v of violations) {
      lines.push(`  ${label}: ${v.id} (${v.impact ?? 'n/a'}) ${v.help}`);
      for (const node of v.nodes) lines.push(`      ${node.target.join(' ')}${node.failureSummary ? `: ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`);
    }
  }
  return lines.join('\n');
}

const audited = new Set<string>();
const pagesSeen = new Set<string>();
const inFlight = new Set<string>();
const pending = new Set<Promise<void>>();
let findings: Finding[] = [];

/** Every page audited so far in this process (page id, language, viewport): what the suites covered. */
export function auditedPages(): string[] {
  return [...pagesSeen].sort();
}

function sizeOf(page: Page): string {
  const size = page.viewportSize();
  if (!size) return 'unknown';
  return size.width <= 480 ? `phone ${size.width}x${size.height}` : `desktop ${size.width}x${size.height}`;
}

async function auditOnLoad(browser: Browser, page: Page): Promise<void> {
  let key: string | undefined;
  let stateKey: string | undefined;
  try {
    // A page's state is told apart by which of its fixed elements (ids without digits: not a
    // record's) are shown: the demo signed out and signed in, a form with and without its error.
    const identity = await page.evaluate(() => ({
      id: document.body?.dataset.page ?? '',
      lang: document.documentElement.lang,
      url: location.href,
      shown: Array.from(document.querySelectorAll('main [id]')).filter((el) => /^[a-z][a-z_-]*$/.test(el.id) && el.checkVisibility()).map((el) => el.id).join(' '),
      scripts: Array.from(document.querySelectorAll('script[src]')).map((el) => (el as HTMLScriptElement).src),
      stylesheets: Array.from(document.querySelectorAll('link[rel=stylesheet]')).map((el) => (el as HTMLLinkElement).href),
    }));
    // Pages tobira did not render (a partner's callback page in a test, about:blank) are not ours.
    if (!identity.id) return;
    key = `${identity.id} [${identity.lang}] ${sizeOf(page)}`;
    const state = `${key} {${identity.shown}}`;
    if (audited.has(state) || inFlight.has(state)) return;
    inFlight.add(state);
    stateKey = state;
    const html = TAKING_SCREENSHOTS ? await page.content() : '';
    const violations = await axeViolations(page);
    // Every page tobira renders loads one stylesheet and at most one script (its bundle,
    // src/http/page-assets.ts): checked here on every page the suites visit, beside axe's rules.
    if (identity.scripts.length > 1 || identity.stylesheets.length !== 1) {
      violations.push({ id: 'one-script-one-stylesheet', impact: null, help: `expected one stylesheet and at most one script, got ${identity.stylesheets.length} and ${identity.scripts.length}`, nodes: [...identity.scripts, ...identity.stylesheets].map((url) => ({ target: [url] })) });
    }
    audited.add(state);
    pagesSeen.add(key);
    if (violations.length > 0) findings.push({ label: `${key} ${new URL(identity.url).pathname}`, violations });
    if (TAKING_SCREENSHOTS) await captureScreens(browser, identity.url, html, identity.id, identity.lang);
  } catch (err) {
    // The test moved on (navigated, closed the page) before the audit finished: that load is not
    // audited; the same page is audited on its next load. Anything else is a failure to report.
    const message = err instanceof Error ? err.message : String(err);
    if (!/Execution context was destroyed|has been closed|detached|navigat/i.test(message)) {
      findings.push({ label: key ?? page.url(), violations: [{ id: 'audit-failed', impact: null, help: message, nodes: [] }] });
    }
  } finally {
    if (stateKey) inFlight.delete(stateKey);
  }
}

/** Audits every page of `context` as it loads (see the top of this file). */
export function watchAccessibility(browser: Browser, context: BrowserContext): void {
  const watch = (page: Page): void => {
    page.on('load', () => {
      const run = auditOnLoad(browser, page);
      pending.add(run);
      void run.finally(() => pending.delete(run));
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
}

/** Waits for the audits under way (a test that moves on at once would otherwise cut them short). */
export async function auditsDone(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}

/** Waits for the audits under way, then throws the violations found since the last call, if any. */
export async function settleAccessibility(): Promise<void> {
  await auditsDone();
  const found = findings;
  findings = [];
  if (found.length > 0) throw new Error(formatViolations(found));
}
