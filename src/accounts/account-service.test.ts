// AccountService, the one writer of accounts, on the memory store with a fake clock: every way a
// password is set is held to the one password policy, every write is dated by the clock, and no
// module outside accounts/ (and the store adapters) writes through the repository itself.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlwaysPasskeyOnError } from './errors.ts';
import type { AuditContext } from '../audit/audit-log.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import type { Store } from '../store/types.ts';
import { AccountService } from './account-service.ts';
import { RateLimiter } from '../limits/rate-limiter.ts';
import { PasswordThrottle } from './password-throttle.ts';
import { AccountAlreadyDisabledError, AccountNotDisabledError, AccountNotFoundError, EmailTakenError, InvalidCredentialsError, WeakPasswordError } from './errors.ts';
import { verifyPassword } from './password-hasher.ts';
import { AcceptedPassword, acceptPassword, checkPasswordStrength } from './password-policy.ts';

const STRONG = 'correct horse battery staple';
const STRONG_2 = 'umi-sora-hoshi 8841 kaze';
const GUESSABLE = ['passwordpassword', '123456789012', 'aaaaaaaaaaaa', 'password1234'];
const AUDIT: AuditContext = { actor: 'user', ip: '127.0.0.1', userAgent: 'unit test' };

/** The refusal the password policy gives for `password` (it must give one). */
async function policyRefusal(password: string, personal: string[]): Promise<InstanceType<typeof WeakPasswordError>> {
  try {
    await checkPasswordStrength(password, personal);
  } catch (err) {
    assert.ok(err instanceof WeakPasswordError);
    return err;
  }
  assert.fail(`${password} passes the password policy`);
}

async function isRefusalFor(password: string, personal: string[]): Promise<(err: unknown) => boolean> {
  const expected = await policyRefusal(password, personal);
  return (err) => err instanceof WeakPasswordError && err.messages.en === expected.messages.en && err.messages.ja === expected.messages.ja;
}

describe('AccountService (unit, memory store, fake clock)', () => {
  let clock: number;
  let store: Store;
  let accounts: AccountService;

  beforeEach(async () => {
    clock = Date.UTC(2026, 0, 15, 9, 0, 0);
    store = createMemoryStore({ now: () => clock });
    await store.init();
    const limits = { oneTimeCode: { ttlSeconds: 600, maxAttempts: 5, attemptWindowSeconds: 3600 }, push: { denialLimit: 3, denialWindowSeconds: 3600, maxPending: 3, maxPerHour: 10, wrongNumberPauseSeconds: 3600 } };
    accounts = new AccountService({ accounts: store.accounts, audit: new AuditLog(store.audit, createLogger('silent')), throttle: new PasswordThrottle(new RateLimiter(store.counters, limits, () => clock)), now: () => clock });
  });
  afterEach(() => store.close());

  async function member(email = 'hanako@example.com'): Promise<ReturnType<AccountService['signUpWithPassword']>> {
    return accounts.signUpWithPassword({ email, name: 'Hanako Yamada', password: STRONG }, AUDIT);
  }

  describe('password sign-up', () => {
    it('creates the account (address normalised, and proven: the sign-up proved it with a code first) and audits it', async () => {
      const account = await accounts.signUpWithPassword({ email: '  Hanako@Example.COM ', name: ' Hanako Yamada ', password: STRONG }, AUDIT);
      assert.equal(account.email, 'hanako@example.com');
      assert.equal(account.name, 'Hanako Yamada');
      assert.equal(account.emailVerified, true);
      assert.equal(account.alwaysPasskey, false);
      assert.ok(account.passwordHash && await verifyPassword(account.passwordHash, STRONG));
      const [created] = await store.audit.listByAccount(account.id, 10, ['account.created']);
      assert.deepEqual(created?.details, { method: 'password' });
    });

    it('refuses a guessable password with the policy\'s reason, and creates nothing', async () => {
      for (const password of GUESSABLE) {
        const email = `guess.${password}@example.com`;
        await assert.rejects(accounts.signUpWithPassword({ email, name: 'Guess', password }, AUDIT), await isRefusalFor(password, [email, 'Guess']), password);
        assert.equal(await store.accounts.findByEmail(email), undefined, password);
      }
    });

    it('refuses a password made of the account\'s own e-mail address or name', async () => {
      const email = 'sakura.tanaka@example.com';
      const password = 'sakura.tanaka@example.com';
      await assert.rejects(accounts.signUpWithPassword({ email, name: 'Sakura Tanaka', password }, AUDIT), WeakPasswordError);
      assert.equal(await store.accounts.findByEmail(email), undefined);
    });

    it('refuses a password outside 12 to 256 characters with the length reason', async () => {
      for (const password of ['short pw', 'x'.repeat(257)]) {
        await assert.rejects(accounts.signUpWithPassword({ email: 'len@example.com', name: 'Len', password }, AUDIT),
          (err: unknown) => err instanceof WeakPasswordError && /at least 12 characters/.test(err.messages.en));
      }
      assert.equal(await store.accounts.findByEmail('len@example.com'), undefined);
    });

    it('refuses a taken address', async () => {
      await member();
      await assert.rejects(accounts.signUpWithPassword({ email: 'HANAKO@example.com', name: 'Other', password: STRONG_2 }, AUDIT), EmailTakenError);
    });
  });

  it('passkey sign-up creates a verified account without a password, with the passkey\'s user handle', async () => {
    const account = await accounts.signUpWithPasskey({ email: 'mina@example.com', name: 'Mina Ito', webauthnUserId: 'handle-123' }, AUDIT);
    assert.deepEqual([account.emailVerified, account.passwordHash, account.webauthnUserId], [true, null, 'handle-123']);
    const [created] = await store.audit.listByAccount(account.id, 10, ['account.created']);
    assert.deepEqual(created?.details, { method: 'passkey' });
    await assert.rejects(accounts.signUpWithPasskey({ email: 'mina@example.com', name: 'Again', webauthnUserId: 'handle-456' }, AUDIT), EmailTakenError);
  });

  describe('password and sign-in mode', () => {
    it('sets a new password (reset) under the policy, dated by the clock', async () => {
      const account = await member();
      clock += 60_000;
      for (const password of GUESSABLE) await assert.rejects(accounts.setPassword(account, password), await isRefusalFor(password, [account.email, account.name]));
      assert.equal((await store.accounts.findById(account.id))?.passwordHash, account.passwordHash, 'a refused password changes nothing');
      const updated = await accounts.setPassword(account, STRONG_2);
      assert.ok(updated?.passwordHash && await verifyPassword(updated.passwordHash, STRONG_2));
      assert.equal(updated.updatedAt.getTime(), clock);
      assert.equal(await accounts.signInWithPassword(account.email, STRONG_2, '192.0.2.1').then((a) => a.id), account.id);
      await assert.rejects(accounts.signInWithPassword(account.email, STRONG, '192.0.2.1'), InvalidCredentialsError);
    });

    it('takes the policy\'s verdict for this account instead of checking again; one for other words is checked again', async () => {
      const account = await member();
      const accepted = await acceptPassword(STRONG_2, [account.email, account.name]);
      assert.equal(accepted.holdsFor([account.email, account.name]), true);
      const updated = await accounts.setPassword(account, accepted);
      assert.ok(updated?.passwordHash && await verifyPassword(updated.passwordHash, STRONG_2));
      // A verdict given for other personal words does not stand for this account: checked again.
      const forOthers = await acceptPassword(STRONG, ['someone.else@example.com', 'Someone Else']);
      assert.equal(forOthers.holdsFor([account.email, account.name]), false);
      assert.ok(await accounts.setPassword(account, forOthers));
      // Only the policy makes verdicts.
      assert.throws(() => new AcceptedPassword(Symbol('forged') as never, 'aaaaaaaaaaaa', []), TypeError);
    });

    it('turning "Always passkey" on deletes the password; a reset afterwards sets nothing', async () => {
      const account = await member();
      const on = await accounts.turnAlwaysPasskeyOn(account.id);
      assert.deepEqual([on?.alwaysPasskey, on?.passwordHash], [true, null]);
      assert.equal(await accounts.turnAlwaysPasskeyOn(account.id), undefined, 'already on');
      assert.equal(await accounts.setPassword(account, STRONG_2), undefined);
      assert.equal((await store.accounts.findById(account.id))?.passwordHash, null);
      await assert.rejects(accounts.signInWithPassword(account.email, STRONG, '192.0.2.1'), AlwaysPasskeyOnError);
    });

    it('turning "Always passkey" off needs a password the policy accepts, once', async () => {
      const account = await member();
      const on = await accounts.turnAlwaysPasskeyOn(account.id);
      assert.ok(on);
      for (const password of GUESSABLE) await assert.rejects(accounts.turnAlwaysPasskeyOff(on, password), await isRefusalFor(password, [on.email, on.name]));
      assert.equal((await store.accounts.findById(account.id))?.alwaysPasskey, true, 'a refused password changes nothing');
      clock += 1_000;
      const off = await accounts.turnAlwaysPasskeyOff(on, STRONG_2);
      assert.deepEqual([off?.alwaysPasskey, off?.updatedAt.getTime()], [false, clock]);
      assert.ok(off?.passwordHash && await verifyPassword(off.passwordHash, STRONG_2));
      assert.equal(await accounts.turnAlwaysPasskeyOff(on, 'another strong one 4711 kawa'), undefined, 'a second tab sets no password');
    });

    it('removing the password keeps the mode, unless the mode changed meanwhile', async () => {
      const account = await member();
      const removed = await accounts.removePassword(account);
      assert.deepEqual([removed?.passwordHash, removed?.alwaysPasskey], [null, false]);
      const other = await member('other@example.com');
      await accounts.turnAlwaysPasskeyOn(other.id);
      assert.equal(await accounts.removePassword(other), undefined, 'read before the switch: the switch wins');
    });
  });

  describe('contacts and name', () => {
    it('saves and removes a verified contact, verified when the clock says', async () => {
      const account = await member();
      clock += 5_000;
      const saved = await accounts.saveContact(account.id, 'mobile', '+819011112222');
      assert.deepEqual(saved.contactMobile, { value: '+819011112222', verifiedAt: new Date(clock) });
      const removed = await accounts.removeContact(account.id, 'mobile');
      assert.equal(removed.contactMobile, null);
      await assert.rejects(accounts.saveContact('no-such-account', 'email', 'x@example.net'), AccountNotFoundError);
    });

    it('changes the display name and audits from and to', async () => {
      const account = await member();
      const renamed = await accounts.changeName(account, '山田 花子', AUDIT);
      assert.equal(renamed.name, '山田 花子');
      const [event] = await store.audit.listByAccount(account.id, 1, ['profile.name_changed']);
      assert.deepEqual(event?.details, { from: 'Hanako Yamada', to: '山田 花子' });
      await assert.rejects(accounts.changeName({ ...account, id: 'no-such-account' }, 'X', AUDIT), AccountNotFoundError);
    });
  });

  it('is the only writer of accounts: nothing outside accounts/ and the store writes through the repository', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const writes = /\.(setSignInMode|setContact|setName|setSessionsValidFrom)\(|accounts\.create\(/;
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        const rel = relative(src, path);
        if (entry.isDirectory()) {
          if (rel !== 'accounts' && rel !== 'store') walk(path);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
            if (writes.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
        }
      }
    };
    walk(src);
    assert.deepEqual(offenders, []);
  });

  describe('disabling by an operator', () => {
    const OPERATOR: AuditContext = { actor: 'operator:op-1:op@example.com', ip: '192.0.2.1', userAgent: 'console' };

    it('disables with who, when and why, once; enables once; each audited with the operator, everything else kept', async () => {
      const account = await member();
      clock += 60_000;
      const disabled = await accounts.disable(account.id, 'fraud report', OPERATOR);
      assert.deepEqual(disabled.disabled, { at: new Date(clock), by: OPERATOR.actor, reason: 'fraud report' });
      assert.deepEqual({ ...disabled, disabled: null, updatedAt: account.updatedAt }, account, 'nothing else changed');
      await assert.rejects(accounts.disable(account.id, 'again', OPERATOR), AccountAlreadyDisabledError);
      const [event] = await store.audit.listByAccount(account.id, 1, ['account.disabled']);
      assert.equal(event?.actor, OPERATOR.actor);
      assert.equal(event?.details.reason, 'fraud report');

      const enabled = await accounts.enable(account.id, OPERATOR);
      assert.equal(enabled.disabled, null);
      await assert.rejects(accounts.enable(account.id, OPERATOR), AccountNotDisabledError);
      const [again] = await store.audit.listByAccount(account.id, 1, ['account.enabled']);
      assert.equal(again?.details.disabledBy, OPERATOR.actor);
      assert.equal((await store.audit.listByAccount(account.id, 10, ['account.disabled', 'account.enabled'])).length, 2, 'the refused steps audited nothing');
    });

    it('refuses an unknown account', async () => {
      await assert.rejects(accounts.disable('00000000-0000-4000-8000-000000000000', 'x', OPERATOR), AccountNotFoundError);
      await assert.rejects(accounts.enable('00000000-0000-4000-8000-000000000000', OPERATOR), AccountNotFoundError);
    });

    it('keeps a disabled account out of password sign-in only for the right password: a wrong one is refused as any wrong password is', async () => {
      const account = await member();
      await accounts.disable(account.id, 'x', OPERATOR);
      await assert.rejects(accounts.signInWithPassword('hanako@example.com', 'wrong password entirely', null), InvalidCredentialsError);
      // The right password proves the owner: the refusal itself is finishSignIn's (interactions/finish.ts).
      assert.ok((await accounts.signInWithPassword('hanako@example.com', STRONG, null)).disabled);
    });
  });
});
