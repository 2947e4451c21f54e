// Push-approval phones: { _id: id, accountId, credentialId, subscription, name, lang, createdAt,
// lastSeenAt }; a phone stored before `lang` existed reads as Japanese (the default language). A unique index on credentialId keeps one device per passkey; unique indexes (like
// the unique _id) are enforced atomically on FerretDB too.
import type mongoose from 'mongoose';
import { isLang } from '../../i18n/lang.ts';
import { DuplicateKeyError } from '../errors.ts';
import type { Device, DeviceRepository, PushSubscriptionRecord } from '../types.ts';
import { guard, isDuplicateKeyError } from './connection.ts';

export const DEVICES_COLLECTION = 'devices';

/** A Device with its id as the _id; `lang` is missing on phones set up before it was kept. */
type DeviceDocument = Omit<Device, 'id' | 'lang'> & { _id: string; lang?: Device['lang'] };

/** Exactly the typed fields (a browser's toJSON() also has expirationTime, which is not kept). */
function copySubscription(subscription: PushSubscriptionRecord): PushSubscriptionRecord {
  return { endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh, auth: subscription.keys.auth } };
}

function toDevice(document: DeviceDocument): Device {
  return {
    id: document._id,
    accountId: document.accountId,
    credentialId: document.credentialId,
    subscription: copySubscription(document.subscription),
    name: document.name,
    lang: isLang(document.lang) ? document.lang : 'ja',
    createdAt: document.createdAt,
    lastSeenAt: document.lastSeenAt,
  };
}

/**
 * Which unique key a duplicate key error is about. MongoDB names it in keyPattern; FerretDB 1.x
 * only says "E11000 duplicate key error collection: <db>.devices", so then the stored documents
 * decide: a device holding the credential ID means that one, else it was the _id.
 */
async function duplicateField(collection: mongoose.mongo.Collection<DeviceDocument>, err: unknown, credentialId: string): Promise<string> {
  const keyPattern = (err as { keyPattern?: unknown }).keyPattern;
  if (keyPattern && typeof keyPattern === 'object') return 'credentialId' in keyPattern ? 'credentialId' : 'id';
  return await collection.findOne({ credentialId }, { projection: { _id: 1 } }) ? 'credentialId' : 'id';
}

export class MongoDevices implements DeviceRepository {
  readonly #collection: mongoose.mongo.Collection<DeviceDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<DeviceDocument>(DEVICES_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ credentialId: 1 }, { unique: true });
    // Listing one account's devices oldest first.
    await this.#collection.createIndex({ accountId: 1, createdAt: 1, _id: 1 });
  }

  add(device: Device): Promise<void> {
    return guard(async () => {
      const document: DeviceDocument = {
        _id: device.id,
        accountId: device.accountId,
        credentialId: device.credentialId,
        subscription: copySubscription(device.subscription),
        name: device.name,
        lang: device.lang,
        createdAt: device.createdAt,
        lastSeenAt: device.lastSeenAt,
      };
      try {
        await this.#collection.insertOne(document);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new DuplicateKeyError(await duplicateField(this.#collection, err, device.credentialId), { cause: err });
        throw err;
      }
    });
  }

  findById(id: string): Promise<Device | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: id });
      return document ? toDevice(document) : undefined;
    });
  }

  listByAccount(accountId: string): Promise<Device[]> {
    return guard(async () => {
      // The id breaks ties, as in the memory store.
      const documents = await this.#collection.find({ accountId }).sort({ createdAt: 1, _id: 1 }).toArray();
      return documents.map(toDevice);
    });
  }

  rename(accountId: string, id: string, name: string): Promise<boolean> {
    return guard(async () => {
      const { matchedCount } = await this.#collection.updateOne({ _id: id, accountId }, { $set: { name } });
      return matchedCount > 0;
    });
  }

  updateSubscription(accountId: string, id: string, subscription: PushSubscriptionRecord, at: Date): Promise<boolean> {
    return guard(async () => {
      const { matchedCount } = await this.#collection.updateOne(
        { _id: id, accountId },
        { $set: { subscription: copySubscription(subscription), lastSeenAt: at } },
      );
      return matchedCount > 0;
    });
  }

  touch(id: string, at: Date): Promise<void> {
    return guard(async () => {
      await this.#collection.updateOne({ _id: id }, { $set: { lastSeenAt: at } });
    });
  }

  remove(accountId: string, id: string): Promise<boolean> {
    return guard(async () => {
      const { deletedCount } = await this.#collection.deleteOne({ _id: id, accountId });
      return deletedCount > 0;
    });
  }
}
