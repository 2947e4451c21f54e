// Passkeys in a Map keyed by credential ID (unique across all accounts, as the mongo _id is).
import { DuplicateKeyError } from '../errors.ts';
import type { Passkey, PasskeyRepository, PasskeyUse } from '../types.ts';
import { footprintOf, type Footprint } from './footprint.ts';

/**
 * A copy that shares nothing with `passkey`: exactly the Passkey fields, the public key as a plain
 * Uint8Array (a Buffer handed in comes back as a Uint8Array, like from the mongo store).
 */
function copyPasskey(passkey: Passkey): Passkey {
  return {
    credentialId: passkey.credentialId,
    accountId: passkey.accountId,
    userHandle: passkey.userHandle,
    publicKey: new Uint8Array(passkey.publicKey),
    counter: passkey.counter,
    transports: [...passkey.transports],
    aaguid: passkey.aaguid,
    deviceType: passkey.deviceType,
    backedUp: passkey.backedUp,
    name: passkey.name,
    createdAt: new Date(passkey.createdAt),
    lastUsedAt: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt),
  };
}

/** Oldest first; the credential ID breaks ties, as in the mongo store. */
function byCreation(a: Passkey, b: Passkey): number {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();
  if (diff !== 0) return diff;
  if (a.credentialId === b.credentialId) return 0;
  return a.credentialId < b.credentialId ? -1 : 1;
}

export class MemoryPasskeys implements PasskeyRepository {
  readonly #byCredentialId = new Map<string, Passkey>();

  async add(passkey: Passkey): Promise<void> {
    if (this.#byCredentialId.has(passkey.credentialId)) throw new DuplicateKeyError('credentialId');
    this.#byCredentialId.set(passkey.credentialId, copyPasskey(passkey));
  }

  async findByCredentialId(credentialId: string): Promise<Passkey | undefined> {
    const passkey = this.#byCredentialId.get(credentialId);
    return passkey ? copyPasskey(passkey) : undefined;
  }

  async listByAccount(accountId: string): Promise<Passkey[]> {
    return [...this.#byCredentialId.values()]
      .filter((passkey) => passkey.accountId === accountId)
      .sort(byCreation)
      .map(copyPasskey);
  }

  async recordUse(credentialId: string, use: PasskeyUse): Promise<boolean> {
    const passkey = this.#byCredentialId.get(credentialId);
    if (!passkey) return false;
    passkey.counter = use.counter;
    passkey.deviceType = use.deviceType;
    passkey.backedUp = use.backedUp;
    passkey.lastUsedAt = new Date(use.at);
    return true;
  }

  async rename(accountId: string, credentialId: string, name: string): Promise<boolean> {
    const passkey = this.#owned(accountId, credentialId);
    if (!passkey) return false;
    passkey.name = name;
    return true;
  }

  async remove(accountId: string, credentialId: string): Promise<boolean> {
    if (!this.#owned(accountId, credentialId)) return false;
    this.#byCredentialId.delete(credentialId);
    return true;
  }

  #owned(accountId: string, credentialId: string): Passkey | undefined {
    const passkey = this.#byCredentialId.get(credentialId);
    return passkey?.accountId === accountId ? passkey : undefined;
  }

  footprint(): Footprint {
    return footprintOf(this.#byCredentialId.values());
  }
}
