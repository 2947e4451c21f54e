// Push-approval phones in a Map keyed by device id, with the credential ID kept unique across all
// devices (the mongo store enforces it with a unique index).
import { DuplicateKeyError } from '../errors.ts';
import type { Device, DeviceRepository, PushSubscriptionRecord } from '../types.ts';
import { footprintOf, type Footprint } from './footprint.ts';

function copySubscription(subscription: PushSubscriptionRecord): PushSubscriptionRecord {
  return { endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth } };
}

/** A copy that shares nothing with `device`: exactly the Device fields. */
function copyDevice(device: Device): Device {
  return {
    id: device.id,
    accountId: device.accountId,
    credentialId: device.credentialId,
    subscription: copySubscription(device.subscription),
    name: device.name,
    lang: device.lang,
    createdAt: new Date(device.createdAt),
    lastSeenAt: new Date(device.lastSeenAt),
  };
}

/** Oldest first; the id breaks ties, as in the mongo store. */
function byCreation(a: Device, b: Device): number {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();
  if (diff !== 0) return diff;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

export class MemoryDevices implements DeviceRepository {
  readonly #byId = new Map<string, Device>();
  readonly #idByCredentialId = new Map<string, string>();

  async add(device: Device): Promise<void> {
    if (this.#idByCredentialId.has(device.credentialId)) throw new DuplicateKeyError('credentialId');
    if (this.#byId.has(device.id)) throw new DuplicateKeyError('id');
    this.#byId.set(device.id, copyDevice(device));
    this.#idByCredentialId.set(device.credentialId, device.id);
  }

  async findById(id: string): Promise<Device | undefined> {
    const device = this.#byId.get(id);
    return device ? copyDevice(device) : undefined;
  }

  async listByAccount(accountId: string): Promise<Device[]> {
    return [...this.#byId.values()]
      .filter((device) => device.accountId === accountId)
      .sort(byCreation)
      .map(copyDevice);
  }

  async rename(accountId: string, id: string, name: string): Promise<boolean> {
    const device = this.#owned(accountId, id);
    if (!device) return false;
    device.name = name;
    return true;
  }

  async updateSubscription(accountId: string, id: string, subscription: PushSubscriptionRecord, at: Date): Promise<boolean> {
    const device = this.#owned(accountId, id);
    if (!device) return false;
    device.subscription = copySubscription(subscription);
    device.lastSeenAt = new Date(at);
    return true;
  }

  async touch(id: string, at: Date): Promise<void> {
    const device = this.#byId.get(id);
    if (device) device.lastSeenAt = new Date(at);
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    const device = this.#owned(accountId, id);
    if (!device) return false;
    this.#byId.delete(id);
    this.#idByCredentialId.delete(device.credentialId);
    return true;
  }

  #owned(accountId: string, id: string): Device | undefined {
    const device = this.#byId.get(id);
    return device?.accountId === accountId ? device : undefined;
  }

  footprint(): Footprint {
    return footprintOf(this.#byId.values());
  }
}
