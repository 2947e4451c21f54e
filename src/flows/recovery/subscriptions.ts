// Recovery reacts to its enrolment link being used: the account is cleaned up and the request
// completed (see RecoveryService.completeEnrolment).
import type { EventBus } from '../../events/event-bus.ts';
import type { RecoveryService } from './service.ts';

export function subscribeRecovery(events: EventBus, recovery: Pick<RecoveryService, 'completeEnrolment'>): void {
  events.on('enrolment.completed', async ({ ticket, credentialId, audit, lang }) => {
    if (ticket.purpose === 'recovery') await recovery.completeEnrolment(ticket, credentialId, audit, lang);
  });
}
