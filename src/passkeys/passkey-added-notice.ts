// Tells everyone the account can be reached at that a passkey was added in the account menu
// (NIST SP 800-63B-4 §4.1.2.1: binding a new authenticator SHALL be notified). Someone who got
// into the account cannot add a way back in quietly.
import { dateTimeFormat } from '../i18n/format-time.ts';
import { mailText } from '../i18n/mail-text.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';

export interface PasskeyAddedNoticeDeps {
  notifier: Pick<AccountNotifier, 'notify'>;
  displayTimeZone: string;
}

/** Reacts to `passkey.added` from the account menu; the other ways in have notices of their own. */
export function subscribePasskeyAddedNotices(events: EventBus, deps: PasskeyAddedNoticeDeps): void {
  events.on('passkey.added', async ({ account, passkey, lang, via }) => {
    if (via !== 'account') return;
    await deps.notifier.notify(account, (l) => mailText(l).passkeyAdded({
      passkey: passkey.name,
      when: dateTimeFormat(l, deps.displayTimeZone).format(passkey.createdAt),
    }), lang);
  });
}
