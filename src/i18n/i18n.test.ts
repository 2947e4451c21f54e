// Every text exists in every language and is not empty, and every key a view asks for exists.
// (A key missing from a translation already fails to compile; this catches empty texts, texts
// that throw on their values, and keys the views build as strings, which the compiler cannot see.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_CODES, type ErrorCode, type ErrorParams, errorText, takesParams } from './error-text.ts';
import { LANGS } from './lang.ts';
import { mailText, type MailTemplates } from './mail-text.ts';
import { pages } from './ja/pages.ts';
import { pages as enPages } from './en/pages.ts';
import { VIEW_KEYS } from './view-keys.ts';

/** Codes whose text takes values. */
type ParamCode = { [C in ErrorCode]: keyof ErrorParams<C> extends never ? never : C }[ErrorCode];

/** One set of values per text that takes some (a new one must be added here to compile). */
const ERROR_SAMPLES: { [C in ParamCode]: ErrorParams<C> } = {
  invalid_input: { field: 'email' },
  duplicate_key: { field: 'email' },
  config_invalid: { setting: 'PORT', problem: { ja: '数値ではありません', en: 'not a number' } },
  weak_password: { guessable: { ja: '短すぎます。', en: 'Too short.' } },
  sign_in_throttled: { retryAfterSeconds: 61 },
  mail_budget_spent: { retryAfterSeconds: 600 },
  signup_password_tries_spent: { retryAfterSeconds: 540 },
  password_dependent_client: { client: 'Partner Shop' },
  recovery_request_decided: { state: 'approved' },
  recovery_not_completable: { state: 'pending' },
  recovery_completion_failed: { steps: ['passkeys', 'sessions'] },
  revision_conflict: { revision: 3 },
  client_exists: { clientId: 'shop' },
  client_managed_by_file: { clientId: 'shop' },
  client_revision_conflict: { revision: 3 },
  invalid_client_metadata: { field: 'redirect_uris', detail: 'redirect_uris must contain members' },
  signing_key_not_found: { kid: 'kid-1' },
  signing_key_next_exists: { kid: 'kid-1' },
  signing_key_too_early: { kid: 'kid-1', at: '2026-12-06T10:00:00.000Z' },
  signing_key_is_current: { kid: 'kid-1' },
  signing_key_already_retired: { kid: 'kid-1', at: '2026-12-06T10:00:00.000Z' },
  audit_query_invalid: { field: 'from' },
  operator_forbidden: { scope: 'clients' },
  operator_token_scope: { scope: 'keys' },
};

const MAIL_SAMPLES: { [K in keyof MailTemplates]: Parameters<MailTemplates[K]> } = {
  signupCode: [{ code: '123456', minutes: 10 }],
  alreadyRegistered: [],
  pushReported: [{ client: 'Partner Shop', where: 'Firefox, 192.0.2.1', time: '12:00' }],
  pushWrongNumber: [{ client: 'Partner Shop', where: 'Firefox, 192.0.2.1', time: '12:00', minutes: 60 }],
  handoffRefused: [{ where: 'Safari 17 on iOS, 192.0.2.1' }],
  resetCode: [{ code: '123456', minutes: 10 }],
  resetOff: [],
  passwordChanged: [],
  phoneChangeCode: [{ code: '123456', minutes: 10 }],
  phoneChangeCodeSms: [{ code: '123456', minutes: 10 }],
  newPhone: [{ phone: 'Pixel', when: '12:00' }],
  phoneChangePasskey: [{ when: '12:00' }],
  phoneRemoved: [{ phone: 'Pixel' }],
  passkeyAdded: [{ passkey: 'iCloud Keychain', when: '12:00' }],
  emailProven: [{ removed: true }],
  contactCode: [{ code: '123456', minutes: 10 }],
  contactCodeSms: [{ code: '123456', minutes: 10 }],
  contactChanged: [{ kind: 'mobile', action: 'changed', masked: '090-****-5678', at: '12:00', accountUrl: 'https://id.example/account' }],
  signInWhere: [{ ip: '192.0.2.1', place: 'Tokyo' }],
  newSignIn: [{ at: '12:00', service: 'Partner Shop', browser: 'Firefox', where: '192.0.2.1', method: 'push', accountUrl: 'https://id.example/account' }],
  alwaysPasskeyOn: [{ revokedServices: ['Legacy Mail'] }],
  alwaysPasskeyOff: [],
  recoveryLink: [{ link: 'https://id.example/enrol/x', hours: 24 }],
  recoveryLinkSms: [{ link: 'https://id.example/enrol/x', hours: 24 }],
  recoveryRequested: [],
  recoveryCompleted: [{ passwordRemoved: true, email: 'a@example.com', contactEmail: null, contactMobile: '+819011112222' }],
};

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Object.values(value as Record<string, unknown>).flatMap(strings);
}

describe('i18n', () => {
  it('has a non-empty text for every error code in every language', () => {
    assert.ok(ERROR_CODES.length >= 70);
    for (const code of ERROR_CODES) {
      const params = (takesParams(code) ? ERROR_SAMPLES[code as ParamCode] : {}) as ErrorParams<typeof code>;
      assert.ok(params, `no sample values for ${code}`);
      for (const lang of LANGS) {
        const text = errorText(lang, code, params);
        assert.ok(text.trim().length > 0 && !text.includes('undefined'), `${lang} ${code}: ${text}`);
      }
    }
  });

  it('has every mail, SMS and notice in every language, none empty', () => {
    for (const lang of LANGS) {
      const templates = mailText(lang);
      for (const [name, args] of Object.entries(MAIL_SAMPLES)) {
        const built = (templates[name as keyof MailTemplates] as (...values: unknown[]) => unknown)(...args);
        for (const text of strings(built)) assert.ok(text.trim().length > 0 && !text.includes('undefined'), `${lang} ${name}`);
      }
    }
  });

  it('has every page text in every language, none empty', () => {
    for (const [key, ja] of Object.entries(pages)) {
      assert.ok(ja.trim().length > 0, `ja ${key}`);
      assert.ok(enPages[key as keyof typeof pages].trim().length > 0, `en ${key}`);
    }
  });

  it('has every key the views ask for', () => {
    const views = resolve(import.meta.dirname, '../../views');
    const files = readdirSync(views, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ejs'));
    const used = new Set<string>();
    for (const file of files) {
      const source = readFileSync(resolve(views, file), 'utf8');
      // The literal keys inside t(...), including both sides of t(cond ? 'a.b' : 'c.d').
      for (const call of source.matchAll(/\bt\(([^()]*)\)/g)) {
        for (const literal of (call[1] ?? '').matchAll(/'([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) used.add(literal[1] ?? '');
      }
      assert.doesNotMatch(source, /\bt\(\s*'[^']*'\s*\+/, `${file} builds a key at run time: use i18n/view-keys.ts`);
    }
    assert.ok(used.size > 150, `found only ${used.size} keys`);
    for (const key of used) assert.ok(Object.hasOwn(pages, key), `views use the unknown key ${key}`);
  });

  it('looks view keys up only for the values it knows', () => {
    assert.equal(VIEW_KEYS.accountNotice('renamed'), 'account.notice.renamed');
    assert.equal(VIEW_KEYS.accountNotice('constructor'), undefined);
    assert.equal(VIEW_KEYS.accountNotice(undefined), undefined);
    assert.equal(VIEW_KEYS.consentScope('openid'), undefined);
    assert.equal(VIEW_KEYS.grantedScope('openid'), 'scope.openid');
  });
});
