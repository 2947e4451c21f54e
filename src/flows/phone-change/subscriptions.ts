// A phone change ends when its enrolment link added the new phone's passkey: everyone the account
// can be reached at is told, so a take-over this way cannot stay quiet.
import type { EventBus } from '../../events/event-bus.ts';
import { dateTimeFormat } from '../../i18n/format-time.ts';
import type { AccountNotifier } from '../../notify/account-notifier.ts';
import type { AccountRepository } from '../../store/types.ts';
import { phoneChangePasskeyNotice } from './mails.ts';

export interface PhoneChangeSubscriptionDeps {
  accounts: Pick<AccountRepository, 'findById'>;
  notifier: Pick<AccountNotifier, 'notify'>;
  displayTimeZone: string;
  now: () => number;
}

export function subscribePhoneChange(events: EventBus, deps: PhoneChangeSubscriptionDeps): void {
  events.on('enrolment.completed', async ({ ticket, lang }) => {
    if (ticket.purpose !== 'phone_change') return;
    const account = await deps.accounts.findById(ticket.accountId);
    const at = new Date(deps.now());
    if (account) await deps.notifier.notify(account, (l) => phoneChangePasskeyNotice(l, dateTimeFormat(l, deps.displayTimeZone).format(at)), lang);
  });
}
