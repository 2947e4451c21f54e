// A new phone set up to approve sign-ins is announced to the account's contacts.
import type { EventBus } from '../events/event-bus.ts';
import type { NewPhoneNotices } from './new-phone-notices.ts';

export function subscribeDevices(events: EventBus, notices: Pick<NewPhoneNotices, 'phoneSetUp'>): void {
  events.on('device.added', ({ account, device, lang }) => notices.phoneSetUp(account, device, lang));
}
