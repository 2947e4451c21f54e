// Tells everyone the account can be reached at that a new phone was set up to approve sign-ins.
// Someone who took over the account this way cannot keep it quiet.
import { dateTimeFormat } from '../i18n/format-time.ts';
import { mailText } from '../i18n/mail-text.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';

export interface NewPhoneNoticeDeps {
  notifier: Pick<AccountNotifier, 'notify'>;
  displayTimeZone: string;
}

/** Reacts to `device.added`. */
export function subscribeNewPhoneNotices(events: EventBus, deps: NewPhoneNoticeDeps): void {
  events.on('device.added', ({ account, device, lang }) => deps.notifier.notify(account, (l) => mailText(l).newPhone({
    phone: device.name,
    when: dateTimeFormat(l, deps.displayTimeZone).format(device.createdAt),
  }), lang));
}
