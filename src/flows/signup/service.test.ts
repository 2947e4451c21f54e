// The sign-up's code step for an address that already has an account: a code is made and never
// sent, its owner is mailed instead, and even the right code is refused exactly like a wrong one
// (issue 10 rows 5b and 5c), on the memory store.
import assert from 'node:assert/strict';
import { AccountService } from '../../accounts/account-service.ts';
import { PasswordThrottle } from '../../accounts/password-throttle.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { loadSettings } from '../../config/settings.ts';
import { RateLimiter } from '../../limits/rate-limiter.ts';
import { createLogger } from '../../log.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import { CodeInvalidError } from '../../one-time-codes/errors.ts';
import { OneTimeCodeService } from '../../one-time-codes/one-time-code-service.ts';
import { PasskeyService } from '../../passkeys/passkey-service.ts';
import { createMemoryStore } from '../../store/memory/index.ts';
import type { Store } from '../../store/types.ts';
import { PasswordlessSignup } from './service.ts';

describe('sign-up codes for a registered address (unit, memory store)', () => {
  let store: Store;
  let signup: PasswordlessSignup;
  const sent: MailMessage[] = [];
  /** Every code made, by key, as the service made it (the one of a registered address is never mailed). */
  const issued = new Map<string, string>();

  beforeEach(async () => {
    store = createMemoryStore();
    await store.init();
    const settings = loadSettings({ NODE_ENV: 'test' });
    const audit = new AuditLog(store.audit, createLogger('silent'));
    const limiter = new RateLimiter(store.counters, settings);
    const accounts = new AccountService({ accounts: store.accounts, audit, throttle: new PasswordThrottle(limiter) });
    class Recording extends OneTimeCodeService {
      override async issue(key: string, target: string): Promise<string> {
        const code = await super.issue(key, target);
        issued.set(key, code);
        return code;
      }
    }
    const codes = new Recording(store.oneTimeCodes, limiter, settings.oneTimeCode);
    const passkeys = new PasskeyService({ passkeys: store.passkeys, challenges: store.challenges, accounts: store.accounts, audit, settings: settings.webauthn });
    signup = new PasswordlessSignup({ accounts, codes, passkeys, limiter, mailer: { send: async (message) => { sent.push(message); } } });
    await store.accounts.create({ email: 'owner@example.com', emailVerified: true, name: 'Owner', passwordHash: null });
  });
  afterEach(() => store.close());

  it('makes a code, mails the owner a notice without it, and refuses even the right code as code_invalid', async () => {
    const before = sent.length;
    assert.equal(await signup.sendCode('signup:a', ' Owner@Example.com ', 'en', '192.0.2.1'), 'owner@example.com');
    const code = issued.get('signup:a');
    assert.ok(code, 'a code was made for the registered address too');
    const mails = sent.slice(before);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.subject, 'tobira: someone tried to sign up with your address');
    assert.ok(!mails[0]?.text.includes(code), 'the code is never sent');
    await assert.rejects(signup.verifyCode('signup:a', code), CodeInvalidError);
  });

  it('a new address gets its code, and the right code proves it', async () => {
    await signup.sendCode('signup:b', 'new@example.com', 'ja', '192.0.2.1');
    const code = issued.get('signup:b');
    assert.ok(code && sent.at(-1)?.subject.includes(code));
    assert.equal(await signup.verifyCode('signup:b', code), 'new@example.com');
  });
});
