// Every event in tobira, with its payload. Add one here, emit it from the service where the fact
// happens, and subscribe from the feature that reacts (see docs/architecture.md, "Events").
import type { AuditContext } from '../audit/audit-log.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Account, Approval, Device, EnrolmentTicket, Passkey } from '../store/types.ts';

/**
 * Where a passkey was added from. Only `account` (the account menu) has no notice of its own: a
 * sign-up makes a new account, a phone's passkey comes with the new-phone notice (`device.added`),
 * an enrolment link with its flow's notice.
 */
export type PasskeyAddedVia = 'account' | 'signup' | 'phone' | 'enrolment';

export interface EventMap {
  /**
   * An enrolment link added its passkey (the ticket is used up). `lang` is the page's language.
   * Subscribers: flows/recovery (finishes the recovery), flows/phone-change (the new-phone notice).
   */
  'enrolment.completed': { ticket: EnrolmentTicket; credentialId: string; audit: AuditContext; lang: Lang };
  /** A passkey was stored for an account. Subscriber: passkeys (the new-passkey notice, for `account`). */
  'passkey.added': { account: Account; passkey: Passkey; lang: Lang; via: PasskeyAddedVia };
  /** A phone was set up to approve sign-ins. Subscriber: devices (the new-phone notice). */
  'device.added': { account: Account; device: Device; lang: Lang };
  /** A phone approved or denied an approval. Subscriber: oidc/ciba (hands CIBA results to the provider). */
  'approval.decided': { approval: Approval };
}
