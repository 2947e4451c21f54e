// Password guessing throttled per address and per source, on each store and across two
// connections (as two processes would): every try is counted before the password is checked, so
// guesses sent all at once cannot test more than the limits allow; slow-down before lock-out; an
// unknown address is answered exactly like a known one; a right password or a reset starts over.
import assert from 'node:assert/strict';
import { AccountService } from '../../src/accounts/account-service.ts';
import { InvalidCredentialsError, SignInThrottledError } from '../../src/accounts/errors.ts';
import { PasswordThrottle } from '../../src/accounts/password-throttle.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { RateLimiter } from '../../src/limits/rate-limiter.ts';
import { createLogger } from '../../src/log.ts';
import type { Store } from '../../src/store/types.ts';
import { withTwoConnections } from '../store/contract/support.ts';
import { TEST_LIMIT_SETTINGS } from '../support/limits.ts';
import { freshStore, STORE_KINDS, USES_MONGO } from '../support/stores.ts';

const STRONG = 'umi-sora-hoshi 8841 kaze';
const AUDIT = { actor: 'user', ip: '192.0.2.10', userAgent: 'test' };

function outcome(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'signed_in';
  return result.reason instanceof AppError ? result.reason.code : String(result.reason);
}

for (const kind of STORE_KINDS) {
  describe(`password guessing throttle (${kind} store)`, function () {
    this.timeout(60_000);
    let clock: number;
    let store: Store;
    let accounts: AccountService;
    let throttle: PasswordThrottle;

    beforeEach(async () => {
      clock = Date.UTC(2026, 11, 6, 9, 0, 0);
      store = await freshStore(kind, { now: () => clock });
      throttle = new PasswordThrottle(new RateLimiter(store.counters, TEST_LIMIT_SETTINGS, () => clock));
      accounts = new AccountService({ accounts: store.accounts, audit: new AuditLog(store.audit, createLogger('silent')), throttle, now: () => clock });
      await accounts.signUpWithPassword({ email: 'mina@example.com', name: 'Mina Ito', password: STRONG }, AUDIT);
    });
    afterEach(() => store.close());

    async function attempt(email: string, password: string, ip = '192.0.2.10'): Promise<string> {
      return outcome((await Promise.allSettled([accounts.signInWithPassword(email, password, ip)]))[0]!);
    }

    it('slows down after five failures a minute, twenty an hour, and locks at a hundred a day; an unknown address alike, with the same waits', async () => {
      for (const email of ['mina@example.com', 'nobody@example.com']) {
        clock = Date.UTC(2026, 11, 6, 9, 0, 0);
        const minute: string[] = [];
        for (let i = 0; i < 6; i += 1) minute.push(await attempt(email, `wrong ${i}`));
        assert.deepEqual(minute, [...Array<string>(5).fill('invalid_credentials'), 'sign_in_throttled'], email);
        const refused = await accounts.signInWithPassword(email, 'wrong again', '192.0.2.10').catch((err: unknown) => err);
        assert.ok(refused instanceof SignInThrottledError);
        assert.equal(refused.retryAfterSeconds, 60, 'until the minute\'s window ends');
        // A minute on, five more; then the hour's twenty are reached and the wait is the hour's.
        const later: string[] = [];
        for (let m = 1; m <= 3; m += 1) {
          clock += 61_000;
          for (let i = 0; i < 5; i += 1) later.push(await attempt(email, `wrong ${m}.${i}`));
        }
        // The refused tries of the first minute did not count for the hour: 5 + 15 = 20 failures.
        assert.deepEqual(later, Array<string>(15).fill('invalid_credentials'), email);
        clock += 61_000;
        const hourly = await accounts.signInWithPassword(email, 'wrong', '192.0.2.10').catch((err: unknown) => err);
        assert.ok(hourly instanceof SignInThrottledError);
        assert.ok(hourly.retryAfterSeconds > 60 && hourly.retryAfterSeconds <= 3600, `waits for the hour: ${hourly.retryAfterSeconds}`);
      }
    });

    it('a right password clears the failures of its address; the owner\'s sign-in then starts a fresh count', async () => {
      for (let i = 0; i < 4; i += 1) assert.equal(await attempt('mina@example.com', `wrong ${i}`), 'invalid_credentials');
      assert.equal(await attempt('mina@example.com', STRONG), 'signed_in');
      for (let i = 0; i < 5; i += 1) assert.equal(await attempt('mina@example.com', `wrong again ${i}`), 'invalid_credentials', 'five failures in a row are allowed again');
      assert.equal(await attempt('mina@example.com', STRONG), 'sign_in_throttled');
    });

    it('a password reset unlocks the address at once, also at the day\'s cap', async () => {
      for (let i = 0; i < 100; i += 1) {
        if (i % 5 === 0) clock += 3601_000;
        await attempt('mina@example.com', `wrong ${i}`);
      }
      clock += 3601_000;
      assert.equal(await attempt('mina@example.com', STRONG), 'sign_in_throttled', 'a hundred failures lock the day');
      const account = await accounts.findByEmail('mina@example.com');
      assert.ok(account);
      await accounts.setPassword(account, 'kaze-hoshi umi 2209 sora');
      assert.equal(await attempt('mina@example.com', 'kaze-hoshi umi 2209 sora'), 'signed_in');
    });

    it('thirty guesses at once for one address: only five are checked, the rest refused unchecked', async () => {
      const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => accounts.signInWithPassword('mina@example.com', `guess ${i}`, `198.51.100.${i}`)));
      const outcomes = results.map(outcome);
      assert.equal(outcomes.filter((o) => o === 'invalid_credentials').length, 5, outcomes.join(' '));
      assert.equal(outcomes.filter((o) => o === 'sign_in_throttled').length, 25);
    });

    it('a stranger hammering a refused minute spends nothing of the hour or the day', async () => {
      for (let i = 0; i < 5; i += 1) await attempt('mina@example.com', `wrong ${i}`);
      for (let i = 0; i < 50; i += 1) assert.equal(await attempt('mina@example.com', `hammer ${i}`), 'sign_in_throttled');
      clock += 61_000;
      assert.equal(await attempt('mina@example.com', STRONG), 'signed_in', 'a minute later the owner signs in');
    });

    // The per-source count runs on the same race-safe counters as the per-address one (proven on
    // both stores above and in the counters contract); 300 racers on one key are slow on FerretDB.
    if (kind === 'memory') it('counts per source across addresses: 300 tries an hour from one address, then refused there only; an IPv6 /64 is one source', async () => {
      const results = await Promise.allSettled(Array.from({ length: 301 }, (_, i) => throttle.count(`user${i}@example.com`, '203.0.113.5')));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 300);
      const last = results.find((r) => r.status === 'rejected');
      assert.ok(last?.status === 'rejected' && last.reason instanceof SignInThrottledError);
      await throttle.count('someone@example.com', '203.0.113.6');
      await assert.rejects(throttle.count('other@example.com', '203.0.113.5'), SignInThrottledError);
      // One IPv6 host's /64 counts as one source.
      await Promise.all(Array.from({ length: 300 }, (_, i) => throttle.count(`v6user${i}@example.com`, `2001:db8:1:2::${(i + 1).toString(16)}`)));
      await assert.rejects(throttle.count('v6other@example.com', '2001:db8:1:2:ffff::1'), SignInThrottledError);
      await throttle.count('v6other@example.com', '2001:db8:1:3::1');
    });

    if (kind === 'memory') it('a loopback source (a proxy tobira was not told to trust) is not one source for everybody', async () => {
      await Promise.all(Array.from({ length: 301 }, (_, i) => throttle.count(`local${i}@example.com`, '127.0.0.1')));
      await throttle.count('local-more@example.com', '::1');
      await assert.rejects(accounts.signInWithPassword('mina@example.com', 'wrong', '127.0.0.1'), InvalidCredentialsError);
    });
  });
}

if (USES_MONGO) {
  describe('password guessing throttle (mongo, two connections)', function () {
    this.timeout(60_000);
    it('counts tries racing over two connections: of twenty for one address exactly five pass', async () => {
      await withTwoConnections(async (a, b) => {
        const throttles = [a, b].map((store) => new PasswordThrottle(new RateLimiter(store.counters, TEST_LIMIT_SETTINGS)));
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => throttles[i % 2]!.count('mina@example.com', `198.51.100.${i}`)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
        assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof SignInThrottledError));
        // A clear on one connection is seen on the other.
        await throttles[0]!.clear('mina@example.com');
        await throttles[1]!.count('mina@example.com', '198.51.100.1');
      });
    });
  });
}
