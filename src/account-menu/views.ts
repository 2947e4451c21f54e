// What the account menu's pages show, read and formatted for one signed-in user: the overview's
// summary lines, and the list of one section. Each page reads only what it shows.
import type { Context } from 'koa';
import type { AlwaysPasskeyService } from '../always-passkey/service.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { tokenHash } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import { trustedBrowserToken } from '../http/browser-cookies.ts';
import type { AccountSession } from '../http/session.ts';
import { langOf, stateOf } from '../http/state.ts';
import { formatContactValue } from '../i18n/format-phone.ts';
import { dateLocale } from '../i18n/format-time.ts';
import type { Translate } from '../i18n/messages.ts';
import { VIEW_KEYS } from '../i18n/view-keys.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import { providerName } from '../passkeys/provider-names.ts';
import type { Device, Passkey, VerifiedContact } from '../store/types.ts';
import type { ConnectedServices } from './connected-services.ts';
import type { SignInHistory } from './sign-in-history.ts';

/** The menu's pages, each at /account/<section>. */
export const SECTIONS = ['profile', 'passkeys', 'phones', 'browsers', 'contacts', 'services', 'history'] as const;
export type Section = (typeof SECTIONS)[number];

export interface MenuViewDeps {
  issuer: string;
  passkeys: Pick<PasskeyService, 'list' | 'rpId'>;
  devices: Pick<DeviceService, 'list'>;
  trustedBrowsers: Pick<TrustedBrowserService, 'list'>;
  alwaysPasskey: Pick<AlwaysPasskeyService, 'status'>;
  history: Pick<SignInHistory, 'list'>;
  services: Pick<ConnectedServices, 'list'>;
  displayTimeZone: string;
}

type Format = (at: Date) => string;

export class MenuViews {
  readonly #d: MenuViewDeps;

  constructor(deps: MenuViewDeps) {
    this.#d = deps;
  }

  #format(ctx: Context): Format {
    const format = new Intl.DateTimeFormat(dateLocale(langOf(ctx)), { dateStyle: 'medium', timeStyle: 'short', timeZone: this.#d.displayTimeZone });
    return (at) => format.format(at);
  }

  /** The scopes a service was granted, in words (openid when there is nothing else). */
  scopeNames(t: Translate, scopes: string[]): string[] {
    return (scopes.length ? scopes : ['openid']).map((scope) => {
      const key = VIEW_KEYS.grantedScope(scope);
      return key ? t(key) : scope;
    });
  }

  /**
   * What the WebAuthn Signal API needs on a page that may follow a deletion: every credential the
   * account still has (the phones' too, or the passkey manager would hide them), and the deleted one.
   */
  #signals(ctx: Context, session: AccountSession, passkeys: Passkey[]): Record<string, unknown> {
    const deleted = typeof ctx.query.deleted === 'string' && /^[A-Za-z0-9_-]+$/.test(ctx.query.deleted) ? ctx.query.deleted : '';
    return { rpId: this.#d.passkeys.rpId, deleted, credentialIds: passkeys.map((p) => p.credentialId), account: session.account };
  }

  async overview(ctx: Context, session: AccountSession): Promise<Record<string, unknown>> {
    const { account } = session;
    const lang = langOf(ctx);
    const { t } = stateOf(ctx);
    const format = this.#format(ctx);
    const [passkeys, phones, browsers, services, history, alwaysPasskey] = await Promise.all([
      this.#d.passkeys.list(account.id), this.#d.devices.list(account.id), this.#d.trustedBrowsers.list(account.id),
      this.#d.services.list(account.id), this.#d.history.list(account.id, lang), this.#d.alwaysPasskey.status(account),
    ]);
    const phoneCredentials = new Set(phones.map((d) => d.credentialId));
    const last = history.find((h) => h.ok);
    const set = (c: VerifiedContact | null): string => t(c ? 'menu.summary.set' : 'contacts.not_set');
    return {
      ...this.#signals(ctx, session, passkeys),
      account,
      alwaysPasskey,
      deviceUrl: `${this.#d.issuer}/device`,
      summary: {
        profile: t('menu.summary.profile', { name: account.name, email: account.email }),
        passkeys: t('menu.summary.passkeys', { count: String(passkeys.filter((p) => !phoneCredentials.has(p.credentialId)).length) }),
        phones: phones.length ? t('menu.summary.phones', { names: phones.map((d) => d.name).join(', ') }) : t('menu.summary.no_phones'),
        browsers: t('menu.summary.browsers', { count: String(browsers.length) }),
        contacts: t('menu.summary.contacts', { email: set(account.contactEmail), mobile: set(account.contactMobile) }),
        services: services.length ? t('menu.summary.services', { names: services.map((s) => s.name).join(', ') }) : t('services.none'),
        history: last ? t('menu.summary.last_sign_in', { at: format(last.at), method: t(VIEW_KEYS.signInMethod(last.method) ?? 'history.method.passkey') }) : t('history.none'),
      },
      hasPhone: phones.length > 0,
    };
  }

  async section(ctx: Context, session: AccountSession, section: Section): Promise<Record<string, unknown>> {
    const { account } = session;
    const format = this.#format(ctx);
    switch (section) {
      case 'profile':
        return { account };
      case 'passkeys':
      case 'phones': {
        const [passkeys, phones] = await Promise.all([this.#d.passkeys.list(account.id), this.#d.devices.list(account.id)]);
        return { ...this.#signals(ctx, session, passkeys), ...this.#devices(passkeys, phones, format), deviceUrl: `${this.#d.issuer}/device` };
      }
      case 'browsers': {
        const token = trustedBrowserToken(ctx);
        const thisBrowserHash = token ? tokenHash(token) : '';
        const browsers = await this.#d.trustedBrowsers.list(account.id);
        return { account, browsers: browsers.map((b) => ({ id: b.id, name: b.name, label: b.label, current: b.tokenHash === thisBrowserHash, createdAt: format(b.createdAt), lastUsedAt: format(b.lastUsedAt) })) };
      }
      case 'contacts': {
        const contact = (kind: 'email' | 'mobile', c: VerifiedContact | null): { value: string; verifiedAt: string } | null => (c ? { value: formatContactValue(kind, c.value), verifiedAt: format(c.verifiedAt) } : null);
        return { account, contacts: { email: contact('email', account.contactEmail), mobile: contact('mobile', account.contactMobile) } };
      }
      case 'services': {
        const { t } = stateOf(ctx);
        const services = await this.#d.services.list(account.id);
        // 「お名前（表示名）、メールアドレス」 in Japanese, "Name, email address" in English.
        const list = new Intl.ListFormat(dateLocale(langOf(ctx)), { type: 'conjunction', style: 'narrow' });
        return { account, services: services.map((s) => ({ clientId: s.clientId, name: s.name, remembered: s.remembered, scopes: list.format(this.scopeNames(t, s.scopes)), since: s.since ? format(s.since) : '' })) };
      }
      case 'history': {
        const { t } = stateOf(ctx);
        const history = await this.#d.history.list(account.id, langOf(ctx));
        return {
          account,
          history: history.map((h) => {
            const reasonKey = VIEW_KEYS.signInFailure(h.reason);
            return { ...h, at: format(h.at), reason: reasonKey ? t(reasonKey) : h.reason ?? '' };
          }),
        };
      }
    }
  }

  /** Passkeys and phones, each phone's passkey shown once: under its phone, not among the passkeys. */
  #devices(passkeys: Passkey[], phones: Device[], format: Format): Record<string, unknown> {
    const passkeyView = (p: Passkey): Record<string, unknown> => ({
      credentialId: p.credentialId,
      name: p.name,
      provider: providerName(p.aaguid) ?? '',
      synced: p.backedUp,
      createdAt: format(p.createdAt),
      lastUsedAt: p.lastUsedAt ? format(p.lastUsedAt) : '',
    });
    const phoneCredentials = new Set(phones.map((d) => d.credentialId));
    return {
      passkeys: passkeys.filter((p) => !phoneCredentials.has(p.credentialId)).map(passkeyView),
      phonePasskeys: passkeys.filter((p) => phoneCredentials.has(p.credentialId)).length,
      phones: phones.map((d) => {
        const passkey = passkeys.find((p) => p.credentialId === d.credentialId);
        return { id: d.id, name: d.name, createdAt: format(d.createdAt), lastSeenAt: format(d.lastSeenAt), passkey: passkey ? passkeyView(passkey) : null };
      }),
    };
  }
}
