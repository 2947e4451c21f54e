// "Does this sign-in still count", the rule the provider and the account menu both ask, on its own
// and against a real revocation on the memory store with a fake clock.
import assert from 'node:assert/strict';
import { ACR } from '../assurance/assurance.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import { AccessRevocation } from './access-revocation.ts';
import { signInCounts } from './sign-in-counts.ts';

const T = 1_768_467_600; // 2026-01-15 09:00:00 UTC, epoch seconds

describe('signInCounts (unit)', () => {
  const plain = { alwaysPasskey: false, sessionsValidFrom: null, disabled: null };

  it('counts every sign-in of an account never revoked, however made', () => {
    for (const acr of [ACR.PASSWORD, ACR.PUSH, ACR.PHISHING_RESISTANT, undefined]) {
      assert.equal(signInCounts(plain, { acr, loginTs: T }), true, String(acr));
      assert.equal(signInCounts(plain, { acr, loginTs: undefined }), true, String(acr));
    }
  });

  it('voids a password sign-in of an always-passkey account, not a passkey or phone one', () => {
    const on = { alwaysPasskey: true, sessionsValidFrom: null, disabled: null };
    assert.equal(signInCounts(on, { acr: ACR.PASSWORD, loginTs: T }), false);
    assert.equal(signInCounts(on, { acr: ACR.PHISHING_RESISTANT, loginTs: T }), true);
    assert.equal(signInCounts(on, { acr: ACR.PUSH, loginTs: T }), true);
  });

  it('voids a sign-in strictly before sessionsValidFrom, and one of unknown time', () => {
    const revoked = { alwaysPasskey: false, sessionsValidFrom: T, disabled: null };
    assert.equal(signInCounts(revoked, { acr: ACR.PHISHING_RESISTANT, loginTs: T - 1 }), false);
    assert.equal(signInCounts(revoked, { acr: ACR.PHISHING_RESISTANT, loginTs: T }), true);
    assert.equal(signInCounts(revoked, { acr: ACR.PHISHING_RESISTANT, loginTs: T + 1 }), true);
    assert.equal(signInCounts(revoked, { acr: ACR.PHISHING_RESISTANT, loginTs: undefined }), false);
  });

  it('needs both: a fresh password sign-in of an always-passkey account is still void', () => {
    assert.equal(signInCounts({ alwaysPasskey: true, sessionsValidFrom: T, disabled: null }, { acr: ACR.PASSWORD, loginTs: T + 60 }), false);
  });

  it('voids every sign-in of a disabled account, however and whenever made, and counts them again once it is enabled', () => {
    const disabled = { alwaysPasskey: false, sessionsValidFrom: T, disabled: { at: new Date(T * 1000), by: 'operator:op', reason: 'fraud' } };
    for (const acr of [ACR.PASSWORD, ACR.PUSH, ACR.PHISHING_RESISTANT, undefined]) {
      for (const loginTs of [T - 1, T, T + 3600, undefined]) assert.equal(signInCounts(disabled, { acr, loginTs }), false, `${String(acr)} at ${String(loginTs)}`);
    }
    assert.equal(signInCounts({ ...disabled, disabled: null }, { acr: ACR.PHISHING_RESISTANT, loginTs: T + 3600 }), true);
  });

  it('after a revocation: a sign-in in the revocation\'s own second is void, one in the next second counts', async () => {
    // A moment before the end of a second, so the revocation's wait for the next one is short.
    let clock = T * 1000 + 999;
    const store = createMemoryStore({ now: () => clock });
    await store.init();
    try {
      const account = await store.accounts.create({ email: 'revoked@example.com', emailVerified: false, name: 'R', passwordHash: null });
      const revocation = new AccessRevocation({ accounts: store.accounts, oidc: (model) => store.oidc(model), trustedBrowsers: store.trustedBrowsers, consents: store.consents, audit: new AuditLog(store.audit, createLogger('silent')), now: () => clock });
      await revocation.revokeAll(account.id, { actor: 'user', ip: null, userAgent: null }, { reason: 'password_reset' });
      const after = await store.accounts.findById(account.id);
      assert.ok(after);
      assert.equal(after.sessionsValidFrom, T + 1);
      assert.equal(signInCounts(after, { acr: ACR.PHISHING_RESISTANT, loginTs: T - 3600 }), false, 'an old sign-in');
      assert.equal(signInCounts(after, { acr: ACR.PHISHING_RESISTANT, loginTs: T }), false, 'a sign-in a moment before, in the same second');
      clock = (T + 1) * 1000;
      assert.equal(signInCounts(after, { acr: ACR.PHISHING_RESISTANT, loginTs: Math.floor(clock / 1000) }), true, 'the first sign-in after it');
    } finally {
      await store.close();
    }
  });
});
