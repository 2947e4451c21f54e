// Passkeys (WebAuthn credentials) registered to accounts.

export type CredentialDeviceType = 'singleDevice' | 'multiDevice';

/** A WebAuthn credential (passkey) registered to an account. */
export interface Passkey {
  /** base64url credential ID; unique across all accounts. */
  credentialId: string;
  accountId: string;
  /** The account's webauthnUserId at registration: an assertion must carry this user handle. */
  userHandle: string;
  /** COSE public key bytes. Adapters must hand back a Uint8Array (not a Buffer subclass or BSON Binary). */
  publicKey: Uint8Array;
  /** Signature counter; 0 forever for synced passkeys. */
  counter: number;
  /** AuthenticatorTransportFuture values as reported at registration, e.g. ['internal', 'hybrid']. */
  transports: string[];
  /** Authenticator model (UUID string, all zeros when the authenticator does not say). */
  aaguid: string;
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  /** Shown to the user; defaults to the passkey provider's name. */
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PasskeyUse {
  counter: number;
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  at: Date;
}

export interface PasskeyRepository {
  /** Throws DuplicateKeyError('credentialId') when the credential is already registered (to anyone). */
  add(passkey: Passkey): Promise<void>;
  findByCredentialId(credentialId: string): Promise<Passkey | undefined>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<Passkey[]>;
  /** After a verified assertion: new counter, backup state, last used. False when the passkey is gone. */
  recordUse(credentialId: string, use: PasskeyUse): Promise<boolean>;
  /** Only the owner's passkey is renamed; false when there is no such passkey of that account. */
  rename(accountId: string, credentialId: string, name: string): Promise<boolean>;
  /** Only the owner's passkey is removed; false when there is no such passkey of that account. */
  remove(accountId: string, credentialId: string): Promise<boolean>;
}
