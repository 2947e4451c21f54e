// Checks on single setting values. The schema applies them to what the operator set; the loader
// applies the same ones to values it derives (an origin from the issuer, a VAPID subject from the
// sender address), so a derived value is held to the rule an explicit one is.
import type { Localized as Messages } from '../i18n/lang.ts';

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export function issuerProblem(value: string): Messages | null {
  const url = parseUrl(value);
  if (!url) return { en: `"${value}" is not an absolute URL`, ja: `"${value}" は絶対 URL ではありません` };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { en: 'must be an http: or https: URL', ja: 'http: または https: の URL を指定してください' };
  }
  if (url.search || url.hash) {
    return { en: 'must not have a query or fragment', ja: 'クエリやフラグメントを含めることはできません' };
  }
  return null;
}

export function httpUrlProblem(value: string): Messages | null {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return { en: `"${value}" is not an http(s) URL`, ja: `"${value}" は http(s) の URL ではありません` };
  }
  return null;
}

/** Says nothing about the value itself: a database URI usually carries a password. */
export function mongodbUriProblem(value: string): Messages | null {
  if (/^mongodb(\+srv)?:\/\//.test(value)) return null;
  return { en: 'must start with mongodb:// or mongodb+srv://', ja: 'mongodb:// または mongodb+srv:// で始まる必要があります' };
}

export function domainProblem(value: string): Messages | null {
  if (/^[a-z0-9.-]+$/.test(value) && !value.startsWith('.') && !value.endsWith('.')) return null;
  return { en: `"${value}" is not a domain name`, ja: `"${value}" はドメイン名ではありません` };
}

const ANDROID_ORIGIN = /^android:apk-key-hash:[A-Za-z0-9_-]{20,}$/;

/** A WebAuthn origin: exactly scheme://host[:port], https (http only for localhost), or an Android app's key hash. */
export function originProblem(origin: string): Messages | null {
  if (ANDROID_ORIGIN.test(origin)) return null;
  const url = parseUrl(origin);
  if (!url) {
    return { en: `"${origin}" is neither a web origin nor android:apk-key-hash:<hash>`, ja: `"${origin}" は Web オリジンでも android:apk-key-hash:<hash> でもありません` };
  }
  if (url.origin !== origin) {
    return { en: `"${origin}" must be an origin exactly (scheme://host[:port], no path or trailing slash)`, ja: `"${origin}" はオリジン（scheme://host[:port]、パスや末尾のスラッシュなし）で指定してください` };
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
  if (!secure) {
    return { en: `"${origin}" must be https (browsers allow passkeys on http only for localhost)`, ja: `"${origin}" は https である必要があります（http でパスキーを使えるのは localhost のみです）` };
  }
  return null;
}

export function vapidSubjectProblem(value: string): Messages | null {
  if (/^(mailto:.+@.+|https:\/\/.+)$/.test(value)) return null;
  return { en: `"${value}" must be a mailto: address or an https: URL where push services can reach the operator`, ja: `"${value}" は mailto: アドレスか https: URL である必要があります` };
}

export function timeZoneProblem(value: string): Messages | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return null;
  } catch {
    return { en: `"${value}" is not an IANA time zone`, ja: `"${value}" は IANA のタイムゾーン名ではありません` };
  }
}
