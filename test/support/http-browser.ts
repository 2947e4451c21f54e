// A minimal browser for protocol tests: a real cookie jar (tough-cookie), manual redirects, and
// form posts. It lets a test walk a login exactly as the browser would, and stop at the partner's
// redirect_uri. `route` lets a test send requests for one origin to another process (two tobira
// processes behind one issuer URL).
import { CookieJar } from 'tough-cookie';

export interface Page {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

export class HttpBrowser {
  readonly jar = new CookieJar();
  /** Rewrites the origin a request is actually sent to (the URL the "user" sees stays the same). */
  route: (url: URL) => URL = (url) => url;

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}): Promise<Page> {
    const target = new URL(url);
    const headers: Record<string, string> = { 'accept': 'text/html', 'accept-language': 'en', ...init.headers };
    const cookie = await this.jar.getCookieString(target.href);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(this.route(target), { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const setCookie of res.headers.getSetCookie()) {
      await this.jar.setCookie(setCookie, target.href);
    }
    return { url: target.href, status: res.status, headers: res.headers, body: await res.text() };
  }

  /** Follows redirects until a page answers, or until the URL starts with `stopAt`. */
  async follow(url: string, init: Parameters<HttpBrowser['request']>[1] = {}, stopAt?: string): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; hops < 20; hops += 1) {
      const location = page.headers.get('location');
      if (page.status < 300 || page.status >= 400 || !location) return page;
      const next = new URL(location, page.url).href;
      if (stopAt && next.startsWith(stopAt)) return { ...page, url: next };
      page = await this.request(next);
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the form whose action ends with `actionSuffix`, with its hidden fields plus `fields`. */
  async submit(page: Page, actionSuffix: string, fields: Record<string, string>, stopAt?: string): Promise<Page> {
    const forms = [...page.body.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((m) => m[1]?.endsWith(actionSuffix));
    if (!form?.[1]) throw new Error(`no form with action *${actionSuffix} on ${page.url}:\n${page.body.slice(0, 2000)}`);
    const hidden: Record<string, string> = {};
    for (const input of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      if (input[1]) hidden[input[1]] = input[2] ?? '';
    }
    return this.follow(new URL(form[1], page.url).href, { form: { ...hidden, ...fields } }, stopAt);
  }
}

/** The `code` error shown on one of tobira's error pages or forms. */
export function errorCodeOf(page: Page): string | undefined {
  return /data-code="([^"]+)"/.exec(page.body)?.[1];
}
