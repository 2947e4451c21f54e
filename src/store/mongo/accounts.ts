// Accounts have a fixed shape, so they get a mongoose schema: writes are validated and cast.
//
// Updates go through ConsumptionClaims.updateVersion (read, claim the revision, write that
// revision): FerretDB 1.x applies an update as read-whole-document-then-write-it-back, so two
// concurrent updates of one account, even of different fields, lose one of them, and a conditional
// update (setSignInMode's expectation) would "match" for every racer. Serialised by the claim,
// every update sees the one before it. A writer that lost the claim reads again and retries.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { DuplicateKeyError, StoreUnavailableError } from '../errors.ts';
import { newAccount } from '../new-account.ts';
import type { Account, AccountDisablement, AccountRepository, ContactKind, NewAccount, SignInMode, VerifiedContact } from '../types.ts';
import { database, guard, isDuplicateKeyError } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';

export const ACCOUNTS_COLLECTION = 'accounts';

/**
 * An Account with its id as the document _id. Documents written before always-passkey, contact
 * details, sessionsValidFrom and disabling existed lack those fields (read as false / null), and the older
 * ones lack `rev`.
 */
type AccountDocument = Omit<Account, 'id' | 'alwaysPasskey' | 'contactEmail' | 'contactMobile' | 'sessionsValidFrom' | 'disabled'> & {
  _id: string;
  alwaysPasskey?: boolean;
  contactEmail?: VerifiedContact | null;
  contactMobile?: VerifiedContact | null;
  sessionsValidFrom?: number | null;
  disabled?: AccountDisablement | null;
  /** Changes on every update, so an update claim names exactly the version that was read. */
  rev?: string;
};

/** A writer that lost the claim waits for the winner's write; this bounds how long (about 4 s). */
const UPDATE_ATTEMPTS = 200;

const contactSchema = new mongoose.Schema<VerifiedContact>(
  {
    value: { type: String, required: true },
    verifiedAt: { type: Date, required: true },
  },
  { _id: false, strict: 'throw' },
);

const disablementSchema = new mongoose.Schema<AccountDisablement>(
  {
    at: { type: Date, required: true },
    by: { type: String, required: true },
    // Not `required`: an empty note is valid.
    reason: { type: String, default: '' },
  },
  { _id: false, strict: 'throw' },
);

const accountSchema = new mongoose.Schema<AccountDocument>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    emailVerified: { type: Boolean, required: true },
    // Not `required`: mongoose rejects '' for required strings, and an empty display name is valid.
    name: { type: String, default: '' },
    passwordHash: { type: String, default: null },
    webauthnUserId: { type: String, required: true },
    alwaysPasskey: { type: Boolean, default: false },
    contactEmail: { type: contactSchema, default: null },
    contactMobile: { type: contactSchema, default: null },
    sessionsValidFrom: { type: Number, default: null },
    disabled: { type: disablementSchema, default: null },
    rev: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: ACCOUNTS_COLLECTION, versionKey: false, bufferCommands: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
accountSchema.index({ email: 1 }, { unique: true });
// Random, so a clash is practically impossible; the index makes one impossible, and finds the
// account by the user handle of a discoverable-credential assertion.
accountSchema.index({ webauthnUserId: 1 }, { unique: true });

function toContact(contact: VerifiedContact | null | undefined): VerifiedContact | null {
  return contact ? { value: contact.value, verifiedAt: new Date(contact.verifiedAt) } : null;
}

function toAccount(document: AccountDocument): Account {
  return {
    id: document._id,
    email: document.email,
    emailVerified: document.emailVerified,
    name: document.name,
    passwordHash: document.passwordHash ?? null,
    webauthnUserId: document.webauthnUserId,
    alwaysPasskey: document.alwaysPasskey ?? false,
    contactEmail: toContact(document.contactEmail),
    contactMobile: toContact(document.contactMobile),
    sessionsValidFrom: document.sessionsValidFrom ?? null,
    disabled: document.disabled ? { at: new Date(document.disabled.at), by: document.disabled.by, reason: document.disabled.reason } : null,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

type AccountChange = Partial<Omit<AccountDocument, '_id' | 'rev'>>;

export class MongoAccounts implements AccountRepository {
  readonly #model: mongoose.Model<AccountDocument>;
  /** The native collection, for reads and claimed updates (the model would add casting only). */
  readonly #collection: mongoose.mongo.Collection<AccountDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(connection: mongoose.Connection, claims: ConsumptionClaims, now: () => number) {
    this.#model = connection.model<AccountDocument>('Account', accountSchema);
    this.#collection = database(connection).collection<AccountDocument>(ACCOUNTS_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(): Promise<void> {
    await this.#model.createIndexes();
  }

  create(input: NewAccount): Promise<Account> {
    return guard(async () => {
      const { id, ...fields } = newAccount(input, this.#now());
      const document: AccountDocument = { _id: id, ...fields, rev: randomUUID() };
      try {
        await this.#model.create(document);
      } catch (err) {
        // The _id is a fresh UUID and webauthnUserId 32 random bytes, so only the e-mail can clash.
        if (isDuplicateKeyError(err)) throw new DuplicateKeyError('email', { cause: err });
        throw err;
      }
      return toAccount(document);
    });
  }

  findById(id: string): Promise<Account | undefined> {
    return this.#findOne({ _id: id });
  }

  findByEmail(email: string): Promise<Account | undefined> {
    return this.#findOne({ email });
  }

  // The native collection: a mongoose query adds casting and query building per read, for nothing.
  #findOne(filter: mongoose.mongo.Filter<AccountDocument>): Promise<Account | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne(filter);
      return document ? toAccount(document) : undefined;
    });
  }

  setSignInMode(id: string, mode: SignInMode, at: Date, expectAlwaysPasskey?: boolean): Promise<Account | undefined> {
    return this.#update(id, { passwordHash: mode.passwordHash, alwaysPasskey: mode.alwaysPasskey, updatedAt: new Date(at) },
      expectAlwaysPasskey === undefined ? undefined : (account) => account.alwaysPasskey === expectAlwaysPasskey);
  }

  setContact(id: string, kind: ContactKind, contact: VerifiedContact | null, at: Date): Promise<Account | undefined> {
    const value = toContact(contact);
    return this.#update(id, { ...(kind === 'email' ? { contactEmail: value } : { contactMobile: value }), updatedAt: new Date(at) });
  }

  setName(id: string, name: string, at: Date): Promise<Account | undefined> {
    return this.#update(id, { name, updatedAt: new Date(at) });
  }

  setEmailVerified(id: string, at: Date): Promise<Account | undefined> {
    return this.#update(id, { emailVerified: true, updatedAt: new Date(at) }, (account) => !account.emailVerified);
  }

  async setSessionsValidFrom(id: string, epochSeconds: number, at: Date): Promise<Account | undefined> {
    const movesForward = (account: Account): boolean => account.sessionsValidFrom === null || account.sessionsValidFrom < epochSeconds;
    // Not moved: either the account is gone, or it already voids at least as much (read it back).
    return await this.#update(id, { sessionsValidFrom: epochSeconds, updatedAt: new Date(at) }, movesForward) ?? this.findById(id);
  }

  setDisabled(id: string, disabled: AccountDisablement | null, at: Date): Promise<Account | undefined> {
    const value = disabled ? { at: new Date(disabled.at), by: disabled.by, reason: disabled.reason } : null;
    return this.#update(id, { disabled: value, updatedAt: new Date(at) }, (account) => (account.disabled === null) !== (disabled === null));
  }

  /** Applies `change` to the current version when `expect` holds for it; see the file comment. */
  #update(id: string, change: AccountChange, expect?: (account: Account) => boolean): Promise<Account | undefined> {
    return guard(async () => {
      for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt += 1) {
        const current = await this.#collection.findOne({ _id: id });
        if (!current) return undefined;
        const account = toAccount(current);
        if (expect && !expect(account)) return undefined;
        const rev = await this.#claims.updateVersion(this.#collection, id, current.rev, change, this.#now());
        if (rev !== undefined) return toAccount({ ...current, ...change, rev });
        // Another writer holds this version; its write changes the rev, then we read again.
        await sleep(Math.min(attempt, 20));
      }
      throw new StoreUnavailableError({ cause: new Error(`account ${id} stayed claimed by another writer`) });
    });
  }
}
