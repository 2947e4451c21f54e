// Checks on single setting values. The schema applies them to what the operator set; the loader
// applies the same ones to values it derives (an origin from the issuer, a VAPID subject from the
// sender address), so a derived value is held to the rule an explicit one is.
import type { Localized as Messages } from '../i18n/lang.ts';
import { hasControlCharacters } from '../names.ts';

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

/** WCAG 2 relative luminance of an sRGB colour given as #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The WCAG contrast ratio of a #rrggbb colour against white. */
export function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

/**
 * The brand colour fills the primary buttons (white text on it) and colours every link on a white
 * card, so it must be exactly #rrggbb (nothing else can reach the stylesheet it is written into)
 * and reach WCAG AA's 4.5:1 against white.
 */
export function brandColorProblem(value: string): Messages | null {
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) {
    return { en: `"${value}" is not a colour written as #rrggbb`, ja: `"${value}" は #rrggbb 形式の色ではありません` };
  }
  const ratio = contrastWithWhite(value);
  if (ratio < 4.5) {
    const shown = ratio.toFixed(2);
    return { en: `${value} has a contrast of ${shown}:1 with white; buttons and links need at least 4.5:1 (choose a darker colour)`, ja: `${value} は白とのコントラスト比が ${shown}:1 です。ボタンとリンクには 4.5:1 以上が必要です（より濃い色を指定してください）` };
  }
  return null;
}

/**
 * The brand logo is loaded by every page: an https: URL or a path on tobira itself (`/static/…`),
 * never http: (mixed content on an https sign-in page) nor a scheme-relative `//host` address.
 */
export function brandLogoProblem(value: string): Messages | null {
  if (value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) return null;
  const url = parseUrl(value);
  if (url && url.protocol === 'https:') return null;
  return { en: `"${value}" must be an https: URL or a path on tobira starting with /`, ja: `"${value}" は https: の URL か、/ で始まる tobira 上のパスで指定してください` };
}

/** A brand name is shown in every page's header and title: one line of plain text. */
export function brandNameProblem(value: string): Messages | null {
  if (hasControlCharacters(value)) return { en: 'must not contain control characters', ja: '制御文字を含めることはできません' };
  if ([...value].length > 40) return { en: 'must be at most 40 characters', ja: '40 文字以内で指定してください' };
  return null;
}
