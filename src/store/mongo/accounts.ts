// Accounts have a fixed shape, so they get a mongoose schema: writes are validated and cast.
import mongoose from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import { newAccount } from '../new-account.ts';
import type { Account, AccountRepository, NewAccount } from '../types.ts';
import { guard, isDuplicateKeyError } from './connection.ts';

/** An Account with its id as the document _id. */
type AccountDocument = Omit<Account, 'id'> & { _id: string };

const accountSchema = new mongoose.Schema<AccountDocument>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true },
    emailVerified: { type: Boolean, required: true },
    // Not `required`: mongoose rejects '' for required strings, and an empty display name is valid.
    name: { type: String, default: '' },
    passwordHash: { type: String, default: null },
    webauthnUserId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'accounts', versionKey: false, bufferCommands: false, autoIndex: false, autoCreate: false, strict: 'throw' },
);
accountSchema.index({ email: 1 }, { unique: true });
// Random, so a clash is practically impossible; the index makes one impossible, and finds the
// account by the user handle of a discoverable-credential assertion.
accountSchema.index({ webauthnUserId: 1 }, { unique: true });

function toAccount(document: AccountDocument): Account {
  return {
    id: document._id,
    email: document.email,
    emailVerified: document.emailVerified,
    name: document.name,
    passwordHash: document.passwordHash ?? null,
    webauthnUserId: document.webauthnUserId,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

export class MongoAccounts implements AccountRepository {
  readonly #model: mongoose.Model<AccountDocument>;
  readonly #now: () => number;

  constructor(connection: mongoose.Connection, now: () => number) {
    this.#model = connection.model<AccountDocument>('Account', accountSchema);
    this.#now = now;
  }

  async ensureIndexes(): Promise<void> {
    await this.#model.createIndexes();
  }

  create(input: NewAccount): Promise<Account> {
    return guard(async () => {
      const { id, ...fields } = newAccount(input, this.#now());
      const document: AccountDocument = { _id: id, ...fields };
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

  #findOne(filter: mongoose.QueryFilter<AccountDocument>): Promise<Account | undefined> {
    return guard(async () => {
      const document = await this.#model.findOne(filter).lean<AccountDocument>().exec();
      return document ? toAccount(document) : undefined;
    });
  }
}
