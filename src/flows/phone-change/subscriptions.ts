// A phone change ends when its enrolment link added the new phone's passkey: everyone the account
// can be reached at is told, so a take-over this way cannot stay quiet.
import type { EventBus } from '../../events/event-bus.ts';
import type { NewPhoneNotices } from '../../devices/new-phone-notices.ts';

export function subscribePhoneChange(events: EventBus, notices: Pick<NewPhoneNotices, 'passkeyEnrolled'>, now: () => number): void {
  events.on('enrolment.completed', async ({ ticket, lang }) => {
    if (ticket.purpose === 'phone_change') await notices.passkeyEnrolled(ticket.accountId, new Date(now()), lang);
  });
}
