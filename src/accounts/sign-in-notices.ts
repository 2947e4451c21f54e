// Tells the user about a sign-in from a browser their account did not trust before (mail to the
// sign-in and contact e-mail, SMS to the contact mobile). The check runs before the sign-in trusts
// the browser; the delivery runs in the background, so a slow or failing mail server never holds
// up or breaks the sign-in.
import { withClock, type Clocked } from '../clock.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { browserLabel } from '../browsers/browser-label.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { Lang } from '../i18n/lang.ts';
import type { PlaceLookup } from '../geoip/place-lookup.ts';
import { dateTimeFormat } from '../i18n/format-time.ts';
import type { Logger } from '../log.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import type { Account } from '../store/types.ts';
import { newSignInNotice, type SignInFacts } from './sign-in-notice-text.ts';

export interface SignIn {
  method: SignInFacts['method'];
  clientId: string;
  /** The browser's trusted-browser cookie as it came with this request (before the sign-in). */
  trustedBrowserToken: string | undefined;
  lang: Lang;
  audit: AuditContext;
}

export interface SignInNoticeDeps {
  enabled: boolean;
  notifier: AccountNotifier;
  trustedBrowsers: TrustedBrowserService;
  clientName: ClientDirectory['name'];
  places: PlaceLookup;
  audit: AuditLog;
  logger: Logger;
  accountUrl: string;
  displayTimeZone: string;
  now?: () => number;
}

export class SignInNotices {
  readonly #d: Clocked<SignInNoticeDeps>;

  constructor(deps: SignInNoticeDeps) {
    this.#d = withClock(deps);
  }

  /** Call after a successful sign-in and before it trusts the browser. Never throws. */
  async afterSignIn(account: Account, signIn: SignIn): Promise<void> {
    if (!this.#d.enabled) return;
    try {
      if (await this.#d.trustedBrowsers.recognise(signIn.trustedBrowserToken, account.id)) return;
      const at = new Date(this.#d.now());
      // The audit keeps one language; each notice names the browser in its reader's language.
      const browser = browserLabel(signIn.audit.userAgent ?? undefined, 'en');
      await this.#d.audit.record('notice.new_sign_in', account.id, signIn.audit, { method: signIn.method, client: signIn.clientId, browser });
      void this.#send(account, signIn, at).catch((err: unknown) => {
        this.#d.logger.error({ err, accountId: account.id }, 'new sign-in notice failed');
      });
    } catch (err) {
      this.#d.logger.error({ err, accountId: account.id }, 'new sign-in notice failed');
    }
  }

  async #send(account: Account, signIn: SignIn, at: Date): Promise<void> {
    const service = this.#d.clientName(signIn.clientId);
    const ip = signIn.audit.ip ?? '';
    await this.#d.notifier.notify(account, (lang) => newSignInNotice(lang, {
      at: dateTimeFormat(lang, this.#d.displayTimeZone).format(at),
      service,
      browser: browserLabel(signIn.audit.userAgent ?? undefined, lang),
      ip,
      place: ip ? this.#d.places.place(ip, lang) : '',
      method: signIn.method,
      accountUrl: this.#d.accountUrl,
    }), signIn.lang);
  }
}
