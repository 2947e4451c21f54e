// Operator role grants and personal tokens in memory.
import { DuplicateKeyError } from '../errors.ts';
import type { OperatorGrant, OperatorGrantRepository, OperatorToken, OperatorTokenRepository } from '../ports/operators.ts';

export class MemoryOperatorGrants implements OperatorGrantRepository {
  readonly #grants = new Map<string, OperatorGrant>();

  async put(grant: OperatorGrant): Promise<OperatorGrant> {
    this.#grants.set(grant.accountId, structuredClone(grant));
    return structuredClone(grant);
  }

  async find(accountId: string): Promise<OperatorGrant | undefined> {
    const grant = this.#grants.get(accountId);
    return grant ? structuredClone(grant) : undefined;
  }

  async list(): Promise<OperatorGrant[]> {
    return [...this.#grants.values()].sort((a, b) => a.grantedAt.getTime() - b.grantedAt.getTime() || (a.accountId < b.accountId ? -1 : 1)).map((g) => structuredClone(g));
  }

  async remove(accountId: string): Promise<boolean> {
    return this.#grants.delete(accountId);
  }

  async listAdmins(): Promise<OperatorGrant[]> {
    return (await this.list()).filter((g) => g.role === 'admin');
  }
}

export class MemoryOperatorTokens implements OperatorTokenRepository {
  readonly #tokens = new Map<string, OperatorToken>();

  async create(token: OperatorToken): Promise<OperatorToken> {
    if (this.#tokens.has(token.id)) throw new DuplicateKeyError('id');
    this.#tokens.set(token.id, structuredClone(token));
    return structuredClone(token);
  }

  async find(id: string): Promise<OperatorToken | undefined> {
    const token = this.#tokens.get(id);
    return token ? structuredClone(token) : undefined;
  }

  async listByAccount(accountId: string): Promise<OperatorToken[]> {
    return [...this.#tokens.values()].filter((t) => t.accountId === accountId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((t) => structuredClone(t));
  }

  async revoke(accountId: string, id: string, at: Date): Promise<boolean> {
    const token = this.#tokens.get(id);
    if (!token || token.accountId !== accountId || token.revokedAt !== null) return false;
    token.revokedAt = new Date(at);
    return true;
  }

  async revokeAll(accountId: string, at: Date): Promise<number> {
    let count = 0;
    for (const token of this.#tokens.values()) {
      if (token.accountId === accountId && token.revokedAt === null) {
        token.revokedAt = new Date(at);
        count += 1;
      }
    }
    return count;
  }

  async touch(id: string, at: Date): Promise<void> {
    const token = this.#tokens.get(id);
    if (token) token.lastUsedAt = new Date(at);
  }
}
