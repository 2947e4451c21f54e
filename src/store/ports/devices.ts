// Phones set up for push sign-in approvals.
import type { Lang } from '../../i18n/lang.ts';

/** A Web Push subscription as the browser's PushSubscription.toJSON() gives it. */
export interface PushSubscriptionRecord {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A phone set up for push sign-in approvals (パスキー端末設定): its passkey plus its push subscription. */
export interface Device {
  /** Random, base64url. */
  id: string;
  accountId: string;
  /** The passkey registered on this phone during setup (a Passkey record with the same id exists). */
  credentialId: string;
  subscription: PushSubscriptionRecord;
  name: string;
  /** The phone's language when it was set up: its notifications are written in it. */
  lang: Lang;
  createdAt: Date;
  lastSeenAt: Date;
}

export interface DeviceRepository {
  /** Throws DuplicateKeyError('credentialId') when the credential already belongs to a device. */
  add(device: Device): Promise<void>;
  findById(id: string): Promise<Device | undefined>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<Device[]>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  /** Replaces the push subscription (browsers rotate them) and touches lastSeenAt. False when gone. */
  updateSubscription(accountId: string, id: string, subscription: PushSubscriptionRecord, at: Date): Promise<boolean>;
  touch(id: string, at: Date): Promise<void>;
  remove(accountId: string, id: string): Promise<boolean>;
}
