// Passkeys: { _id: credentialId, accountId, ..., publicKey: Binary }. The credential ID as _id
// makes "already registered, to anyone" the server's unique-_id check, which is atomic on
// FerretDB too.
import mongoose from 'mongoose';
import type { Passkey, PasskeyRepository, PasskeyUse } from '../types.ts';
import { guard, insertUnique } from './connection.ts';

export const PASSKEYS_COLLECTION = 'passkeys';

/** A Passkey with its credential ID as the _id and the public key as BSON Binary. */
type PasskeyDocument = Omit<Passkey, 'credentialId' | 'publicKey'> & { _id: string; publicKey: mongoose.mongo.Binary };

/**
 * The stored bytes as a plain Uint8Array copy. The driver hands back a BSON Binary whose buffer
 * is a Node Buffer; @simplewebauthn/server's CBOR decoder rejects anything but a Uint8Array
 * ("No data"), so neither may leak out.
 */
function toBytes(value: mongoose.mongo.Binary | Uint8Array): Uint8Array {
  return new Uint8Array(value instanceof mongoose.mongo.Binary ? value.value() : value);
}

function toPasskey(document: PasskeyDocument): Passkey {
  return {
    credentialId: document._id,
    accountId: document.accountId,
    userHandle: document.userHandle,
    publicKey: toBytes(document.publicKey),
    counter: document.counter,
    transports: [...document.transports],
    aaguid: document.aaguid,
    deviceType: document.deviceType,
    backedUp: document.backedUp,
    name: document.name,
    createdAt: document.createdAt,
    lastUsedAt: document.lastUsedAt ?? null,
  };
}

export class MongoPasskeys implements PasskeyRepository {
  readonly #collection: mongoose.mongo.Collection<PasskeyDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<PasskeyDocument>(PASSKEYS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    // The unique credential ID is the _id; listing one account's passkeys oldest first needs this.
    await this.#collection.createIndex({ accountId: 1, createdAt: 1, _id: 1 });
  }

  add(passkey: Passkey): Promise<void> {
    return guard(async () => {
      const document: PasskeyDocument = {
        _id: passkey.credentialId,
        accountId: passkey.accountId,
        userHandle: passkey.userHandle,
        // Copied, so a caller changing its array afterwards cannot change what is written.
        publicKey: new mongoose.mongo.Binary(Uint8Array.from(passkey.publicKey)),
        counter: passkey.counter,
        transports: [...passkey.transports],
        aaguid: passkey.aaguid,
        deviceType: passkey.deviceType,
        backedUp: passkey.backedUp,
        name: passkey.name,
        createdAt: passkey.createdAt,
        lastUsedAt: passkey.lastUsedAt,
      };
      await insertUnique(this.#collection, document, 'credentialId');
    });
  }

  findByCredentialId(credentialId: string): Promise<Passkey | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: credentialId });
      return document ? toPasskey(document) : undefined;
    });
  }

  listByAccount(accountId: string): Promise<Passkey[]> {
    return guard(async () => {
      // The credential ID breaks ties, as in the memory store.
      const documents = await this.#collection.find({ accountId }).sort({ createdAt: 1, _id: 1 }).toArray();
      return documents.map(toPasskey);
    });
  }

  recordUse(credentialId: string, use: PasskeyUse): Promise<boolean> {
    return guard(async () => {
      const { matchedCount } = await this.#collection.updateOne(
        { _id: credentialId },
        { $set: { counter: use.counter, deviceType: use.deviceType, backedUp: use.backedUp, lastUsedAt: use.at } },
      );
      return matchedCount > 0;
    });
  }

  rename(accountId: string, credentialId: string, name: string): Promise<boolean> {
    return guard(async () => {
      const { matchedCount } = await this.#collection.updateOne({ _id: credentialId, accountId }, { $set: { name } });
      return matchedCount > 0;
    });
  }

  remove(accountId: string, credentialId: string): Promise<boolean> {
    return guard(async () => {
      const { deletedCount } = await this.#collection.deleteOne({ _id: credentialId, accountId });
      return deletedCount > 0;
    });
  }
}
