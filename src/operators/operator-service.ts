// Operator roles and personal tokens: the only writer of store.operatorGrants and
// store.operatorTokens. Every grant, revocation, token creation and token revocation is audited
// with the acting operator's account (acting.ts operatorActor) and the account concerned.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { withClock, type Clocked } from '../clock.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { requireCleanName } from '../names.ts';
import type { Account } from '../store/ports/accounts.ts';
import type { OperatorGrant, OperatorGrantRepository, OperatorToken, OperatorTokenRepository } from '../store/ports/operators.ts';
import { LastAdminError, OperatorAccountNotFoundError, OperatorTokenNameError, OperatorTokenNotFoundError, OperatorTokenScopeError } from './errors.ts';
import { roleAllows, scopesOf, type OperatorRole, type OperatorScope } from './roles.ts';

/** A token is `tobira_op_<id>.<secret>`: the id finds the record, the secret is checked against its hash. */
export const TOKEN_PREFIX = 'tobira_op_';
const TOKEN_SHAPE = /^tobira_op_([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;
/** A use is recorded at most this often, so a busy script does not write on every call. */
const TOUCH_EVERY_MS = 60_000;

export interface OperatorServiceDeps {
  grants: OperatorGrantRepository;
  tokens: OperatorTokenRepository;
  accounts: Pick<AccountService, 'findById' | 'findByEmail'>;
  audit: AuditLog;
  /** The longest lifetime a personal token may be given. */
  tokenMaxDays: number;
  now?: () => number;
}

/** One operator as the lists show them. */
export interface OperatorEntry {
  accountId: string;
  email: string;
  role: OperatorRole;
  grantedAt: Date;
  grantedBy: string;
}

/** A token as shown: never its hash. */
export interface TokenView {
  id: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  state: 'active' | 'expired' | 'revoked';
}

export interface NewToken {
  name: string;
  scopes: readonly OperatorScope[];
  days: number;
}

/** Why a presented token was refused (for the audit log; the caller is told only "unauthorised"). */
export type TokenRefusal = 'unknown_token' | 'wrong_secret' | 'revoked_token' | 'expired_token' | 'no_role' | 'account_disabled';

export type TokenCheck =
  | { ok: true; account: Account; grant: OperatorGrant; token: OperatorToken; scopes: OperatorScope[] }
  | { ok: false; reason: TokenRefusal; accountId: string | null };

function hashOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

export function looksLikeOperatorToken(presented: string): boolean {
  return presented.startsWith(TOKEN_PREFIX);
}

export class OperatorService {
  readonly #d: Clocked<OperatorServiceDeps>;

  constructor(deps: OperatorServiceDeps) {
    this.#d = withClock(deps);
  }

  get tokenMaxDays(): number {
    return this.#d.tokenMaxDays;
  }

  /** The account's role, or undefined when it is no operator. */
  async roleOf(accountId: string): Promise<OperatorRole | undefined> {
    return (await this.#d.grants.find(accountId))?.role;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.#d.grants.listAdmins()).length > 0;
  }

  async list(): Promise<OperatorEntry[]> {
    const grants = await this.#d.grants.list();
    const entries = await Promise.all(grants.map(async (grant) => {
      const account = await this.#d.accounts.findById(grant.accountId);
      return { accountId: grant.accountId, email: account?.email ?? '', role: grant.role, grantedAt: grant.grantedAt, grantedBy: grant.grantedBy };
    }));
    return entries;
  }

  async #accountByEmail(email: string): Promise<Account> {
    const account = await this.#d.accounts.findByEmail(email);
    if (!account) throw new OperatorAccountNotFoundError();
    return account;
  }

  /** Gives the account with this e-mail the role (replacing its role); audited as operator.granted. */
  async grant(email: string, role: OperatorRole, context: AuditContext): Promise<OperatorEntry> {
    const account = await this.#accountByEmail(email);
    const previous = await this.#d.grants.find(account.id);
    if (previous?.role === 'admin' && role !== 'admin') await this.#keepAnAdmin(account.id);
    const grant = await this.#d.grants.put({ accountId: account.id, role, grantedAt: new Date(this.#d.now()), grantedBy: context.actor });
    // Tokens keep their scopes but the role bounds them at every use (roles.ts), so a demotion takes effect at once.
    await this.#d.audit.record('operator.granted', account.id, context, { email: account.email, role, previous: previous?.role ?? null });
    return { accountId: account.id, email: account.email, role: grant.role, grantedAt: grant.grantedAt, grantedBy: grant.grantedBy };
  }

  /** Takes the role away and revokes the account's tokens; refuses to remove the last admin. */
  async revoke(email: string, context: AuditContext): Promise<{ accountId: string; email: string; role: OperatorRole | null; tokensRevoked: number }> {
    const account = await this.#accountByEmail(email);
    const previous = await this.#d.grants.find(account.id);
    if (!previous) return { accountId: account.id, email: account.email, role: null, tokensRevoked: 0 };
    if (previous.role === 'admin') await this.#keepAnAdmin(account.id);
    await this.#d.grants.remove(account.id);
    const tokensRevoked = await this.#d.tokens.revokeAll(account.id, new Date(this.#d.now()));
    await this.#d.audit.record('operator.revoked', account.id, context, { email: account.email, previous: previous.role, tokensRevoked });
    return { accountId: account.id, email: account.email, role: previous.role, tokensRevoked };
  }

  /** Without an admin nobody could grant again but the bootstrap token: the last one stays. */
  async #keepAnAdmin(accountId: string): Promise<void> {
    const others = (await this.#d.grants.listAdmins()).filter((g) => g.accountId !== accountId);
    if (others.length === 0) throw new LastAdminError();
  }

  // Personal tokens

  async listTokens(accountId: string): Promise<TokenView[]> {
    const now = this.#d.now();
    return (await this.#d.tokens.listByAccount(accountId)).map((t) => ({
      id: t.id,
      name: t.name,
      scopes: t.scopes,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      revokedAt: t.revokedAt,
      lastUsedAt: t.lastUsedAt,
      state: t.revokedAt ? 'revoked' : t.expiresAt.getTime() <= now ? 'expired' : 'active',
    }));
  }

  /** A new token for the operator; the returned `token` is the only time its secret exists outside the caller. */
  async createToken(accountId: string, input: NewToken, context: AuditContext): Promise<{ token: string; view: TokenView }> {
    const role = await this.roleOf(accountId);
    if (!role) throw new OperatorAccountNotFoundError();
    const name = requireCleanName(input.name.trim());
    if (name.length < 1 || name.length > 64) throw new OperatorTokenNameError();
    if (input.scopes.length === 0) throw new OperatorTokenScopeError('');
    for (const scope of input.scopes) if (!roleAllows(role, scope)) throw new OperatorTokenScopeError(scope);
    const days = Math.min(Math.max(1, Math.floor(input.days)), this.#d.tokenMaxDays);
    const id = randomBytes(12).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const now = this.#d.now();
    const record: OperatorToken = {
      id,
      accountId,
      name,
      scopes: [...new Set(input.scopes)],
      secretHash: hashOf(secret),
      createdAt: new Date(now),
      expiresAt: new Date(now + days * 86_400_000),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.#d.tokens.create(record);
    await this.#d.audit.record('operator.token_created', accountId, context, { tokenId: id, name, scopes: record.scopes, expiresAt: record.expiresAt.toISOString() });
    const [view] = (await this.listTokens(accountId)).filter((t) => t.id === id);
    if (!view) throw new OperatorTokenNotFoundError();
    return { token: `${TOKEN_PREFIX}${id}.${secret}`, view };
  }

  async revokeToken(accountId: string, id: string, context: AuditContext): Promise<void> {
    if (!await this.#d.tokens.revoke(accountId, id, new Date(this.#d.now()))) throw new OperatorTokenNotFoundError();
    await this.#d.audit.record('operator.token_revoked', accountId, context, { tokenId: id });
  }

  /** Checks a presented personal token: shape, secret, revocation, expiry and the holder's role now. */
  async checkToken(presented: string): Promise<TokenCheck> {
    const shape = TOKEN_SHAPE.exec(presented);
    if (!shape) return { ok: false, reason: 'unknown_token', accountId: null };
    const [, id = '', secret = ''] = shape;
    const token = await this.#d.tokens.find(id);
    if (!token) return { ok: false, reason: 'unknown_token', accountId: null };
    const expected = Buffer.from(token.secretHash);
    const given = Buffer.from(hashOf(secret));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'wrong_secret', accountId: token.accountId };
    if (token.revokedAt) return { ok: false, reason: 'revoked_token', accountId: token.accountId };
    const now = this.#d.now();
    if (token.expiresAt.getTime() <= now) return { ok: false, reason: 'expired_token', accountId: token.accountId };
    const [grant, account] = await Promise.all([this.#d.grants.find(token.accountId), this.#d.accounts.findById(token.accountId)]);
    if (!grant || !account) return { ok: false, reason: 'no_role', accountId: token.accountId };
    // A disabled account's personal tokens stop with its sign-ins (docs/security.md, "Disabled accounts").
    if (account.disabled !== null) return { ok: false, reason: 'account_disabled', accountId: token.accountId };
    if (!token.lastUsedAt || now - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) await this.#d.tokens.touch(id, new Date(now));
    const reach = new Set(scopesOf(grant.role));
    return { ok: true, account, grant, token, scopes: token.scopes.filter((s): s is OperatorScope => reach.has(s as OperatorScope)) };
  }
}
