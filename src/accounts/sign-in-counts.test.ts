// Whether a sign-in still counts after the account's access was revoked (password reset, lost-phone
// recovery, phone removal): every sign-in made before the revocation is void, including one made in
// the same second (sign-in times are whole seconds), and one made after it counts. Run on the
// memory store with a fake clock.
import assert from 'node:assert/strict';
import { AuditLog } from '../audit/audit-log.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import { AccessRevocation } from './access-revocation.ts';
import { sessionStillValid } from './sign-in-counts.ts';

const AUDIT = { ip: null, userAgent: null, actor: 'test' };

describe('sign-in validity', () => {
  it('every sign-in counts while the account was never revoked, even one of unknown time', () => {
    assert.equal(sessionStillValid({ sessionsValidFrom: null }, 1_700_000_000), true);
    assert.equal(sessionStillValid({ sessionsValidFrom: null }, undefined), true);
  });

  it('after a revocation: earlier sign-ins are void, later ones count, one of unknown time is void', () => {
    const account = { sessionsValidFrom: 1_700_000_100 };
    assert.equal(sessionStillValid(account, 1_700_000_099), false);
    assert.equal(sessionStillValid(account, 1_700_000_100), true);
    assert.equal(sessionStillValid(account, 1_700_000_101), true);
    assert.equal(sessionStillValid(account, undefined), false);
  });

  describe('through a revocation on the memory store', () => {
    // A moment before a whole second, so the revocation's wait for the next second is short.
    const SECOND = 1_700_000_000;
    let clock = SECOND * 1000 + 990;
    const now = (): number => clock;
    const store = createMemoryStore({ now });
    const revocation = new AccessRevocation(store, new AuditLog(store.audit, createLogger('silent')), now);

    it('voids a sign-in from the very second of the revocation; one in the next second counts', async () => {
      const { id } = await store.accounts.create({ email: 'mina@example.com', emailVerified: true, name: 'Mina', passwordHash: null });
      await revocation.revokeAll(id, AUDIT, { reason: 'password_reset' });
      const account = await store.accounts.findById(id);
      assert.ok(account);
      assert.equal(sessionStillValid(account, SECOND - 60), false, 'a sign-in a minute before');
      assert.equal(sessionStillValid(account, SECOND), false, 'a sign-in earlier in the same second');
      assert.equal(sessionStillValid(account, SECOND + 1), true, 'the first sign-in after the revocation');
    });

    it('a second revocation never brings back sign-ins the first voided', async () => {
      const { id } = await store.accounts.create({ email: 'ken@example.com', emailVerified: true, name: 'Ken', passwordHash: null });
      clock = (SECOND + 10) * 1000 + 995;
      await revocation.revokeAll(id, AUDIT, { reason: 'recovery' });
      // A clock set back (another process a little behind) revokes again, at an earlier second.
      clock = (SECOND + 5) * 1000 + 995;
      await revocation.revokeAll(id, AUDIT, { reason: 'phone_removed' });
      const account = await store.accounts.findById(id);
      assert.ok(account);
      assert.equal(sessionStillValid(account, SECOND + 8), false);
      assert.equal(sessionStillValid(account, SECOND + 11), true);
    });

    it('ends the account\'s stored sessions and records the revocation in the audit log', async () => {
      const { id } = await store.accounts.create({ email: 'aya@example.com', emailVerified: true, name: 'Aya', passwordHash: null });
      await store.oidc('Session').upsert('session-aya', { uid: 'uid-aya', accountId: id }, 3600);
      const revoked = await revocation.revokeAll(id, AUDIT, { reason: 'password_reset' });
      assert.equal(revoked.sessions, 1);
      assert.equal(await store.oidc('Session').find('session-aya'), undefined);
      const events = await store.audit.listByAccount(id, 10);
      assert.ok(events.some((event) => event.type === 'access.revoked'), events.map((event) => event.type).join(' '));
    });
  });
});
