// Operator role grants ({ _id: accountId, role, grantedAt, grantedBy }) and personal tokens
// ({ _id: token id, accountId, ... }): every lookup that matters is by _id; the tokens have an
// index on accountId for the console's list.
import type mongoose from 'mongoose';
import type { OperatorGrant, OperatorGrantRepository, OperatorRole, OperatorToken, OperatorTokenRepository } from '../ports/operators.ts';
import { guard, insertUnique } from './connection.ts';

export const OPERATOR_GRANTS_COLLECTION = 'operator_grants';
export const OPERATOR_TOKENS_COLLECTION = 'operator_tokens';

interface GrantDocument {
  _id: string;
  role: OperatorRole;
  grantedAt: Date;
  grantedBy: string;
}

type TokenDocument = Omit<OperatorToken, 'id'> & { _id: string };

const toGrant = (d: GrantDocument): OperatorGrant => ({ accountId: d._id, role: d.role, grantedAt: d.grantedAt, grantedBy: d.grantedBy });

function toToken(d: TokenDocument): OperatorToken {
  return {
    id: d._id,
    accountId: d.accountId,
    name: d.name,
    scopes: [...d.scopes],
    secretHash: d.secretHash,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
    revokedAt: d.revokedAt ?? null,
    lastUsedAt: d.lastUsedAt ?? null,
  };
}

export class MongoOperatorGrants implements OperatorGrantRepository {
  readonly #collection: mongoose.mongo.Collection<GrantDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<GrantDocument>(OPERATOR_GRANTS_COLLECTION);
  }

  put(grant: OperatorGrant): Promise<OperatorGrant> {
    return guard(async () => {
      await this.#collection.replaceOne({ _id: grant.accountId }, { role: grant.role, grantedAt: grant.grantedAt, grantedBy: grant.grantedBy }, { upsert: true });
      return { ...grant };
    });
  }

  find(accountId: string): Promise<OperatorGrant | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: accountId });
      return document ? toGrant(document) : undefined;
    });
  }

  list(): Promise<OperatorGrant[]> {
    return guard(async () => (await this.#collection.find({}).sort({ grantedAt: 1, _id: 1 }).toArray()).map(toGrant));
  }

  remove(accountId: string): Promise<boolean> {
    return guard(async () => (await this.#collection.deleteOne({ _id: accountId })).deletedCount > 0);
  }

  listAdmins(): Promise<OperatorGrant[]> {
    return guard(async () => (await this.#collection.find({ role: 'admin' }).sort({ grantedAt: 1, _id: 1 }).toArray()).map(toGrant));
  }
}

export class MongoOperatorTokens implements OperatorTokenRepository {
  readonly #collection: mongoose.mongo.Collection<TokenDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<TokenDocument>(OPERATOR_TOKENS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.#collection.createIndex({ accountId: 1 });
  }

  create(token: OperatorToken): Promise<OperatorToken> {
    return guard(async () => {
      const { id, ...rest } = token;
      await insertUnique(this.#collection, { _id: id, ...rest }, 'id');
      return { ...token, scopes: [...token.scopes] };
    });
  }

  find(id: string): Promise<OperatorToken | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: id });
      return document ? toToken(document) : undefined;
    });
  }

  listByAccount(accountId: string): Promise<OperatorToken[]> {
    return guard(async () => (await this.#collection.find({ accountId }).sort({ createdAt: -1, _id: 1 }).toArray()).map(toToken));
  }

  revoke(accountId: string, id: string, at: Date): Promise<boolean> {
    return guard(async () => (await this.#collection.updateOne({ _id: id, accountId, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount > 0);
  }

  revokeAll(accountId: string, at: Date): Promise<number> {
    return guard(async () => (await this.#collection.updateMany({ accountId, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount);
  }

  touch(id: string, at: Date): Promise<void> {
    return guard(async () => {
      await this.#collection.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
    });
  }
}
