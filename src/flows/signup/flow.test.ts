import assert from 'node:assert/strict';
import { CHALLENGE_TTL_SECONDS } from '../../passkeys/passkey-service.ts';
import { SignupStepError } from './errors.ts';
import * as flow from './flow.ts';

describe('sign-up flow', () => {
  const t0 = 1_700_000_000_000;
  const address = 'alice@example.com';
  const sent = flow.codeSent(address, t0);
  const verified = flow.verified(sent, address, 'handle-1');
  const named = flow.naming(verified, 'Alice', t0 + 60_000);
  const refused = (run: () => unknown): void => assert.throws(run, SignupStepError);

  it('code_sent: expires 30 minutes after the code was sent', () => {
    assert.deepEqual(sent, { step: 'code_sent', email: address, method: 'passkey', exp: t0 + 30 * 60_000 });
    assert.equal(flow.remainingMs(sent, t0 + 10 * 60_000), 20 * 60_000);
  });

  it('code_sent → verified with the address the code went to, keeping the deadline', () => {
    assert.deepEqual(verified, { step: 'verified', email: address, method: 'passkey', userHandle: 'handle-1', exp: sent.exp });
  });

  it('refuses a code that proved another address', () => {
    refused(() => flow.verified(sent, 'mallory@example.com', 'handle-1'));
  });

  it('refuses verifying twice (a step replayed)', () => {
    refused(() => flow.verified(verified, address, 'handle-2'));
    refused(() => flow.verified(named, address, 'handle-2'));
  });

  it('verified → naming, again as often as asked, keeping the user handle', () => {
    assert.deepEqual(named, { step: 'naming', email: address, method: 'passkey', userHandle: 'handle-1', name: 'Alice', exp: sent.exp });
    const renamed = flow.naming(named, 'Alice B.', t0 + 120_000);
    assert.equal(renamed.name, 'Alice B.');
    assert.equal(renamed.userHandle, 'handle-1');
  });

  it('naming late stretches the deadline to cover the passkey challenge', () => {
    const late = t0 + 29 * 60_000;
    assert.equal(flow.naming(verified, 'Alice', late).exp, late + CHALLENGE_TTL_SECONDS * 1000);
  });

  it('refuses naming or the passkey pages before the address is proven', () => {
    refused(() => flow.naming(sent, 'Alice', t0));
    refused(() => flow.requireVerified(sent));
    assert.equal(flow.requireVerified(verified), verified);
    assert.equal(flow.requireVerified(named), named);
  });

  it('naming → done; refuses finishing before a name was given', () => {
    assert.deepEqual(flow.done(named), { step: 'done', email: address, userHandle: 'handle-1', name: 'Alice' });
    refused(() => flow.done(verified));
    refused(() => flow.done(sent));
  });

  it('the password path: the method rides along; a password only after the code proved the address', () => {
    const byPassword = flow.codeSent(address, t0, 'password');
    assert.equal(byPassword.method, 'password');
    refused(() => flow.withPassword(byPassword));
    const proven = flow.verified(byPassword, address, 'handle-1');
    assert.equal(proven.method, 'password');
    assert.deepEqual(flow.withPassword(proven), { email: address });
    assert.deepEqual(flow.withPassword(named), { email: address }, 'a passkey sign-up may still switch to a password');
  });

  it('a cookie from before the password path reads as a passkey sign-up', () => {
    assert.equal(flow.signupStateSchema.parse({ step: 'code_sent', email: address, exp: t0 }).method, 'passkey');
  });

  it('a state the cookie may hold matches the schema; an inconsistent one does not', () => {
    for (const state of [sent, verified, named]) assert.equal(flow.signupStateSchema.safeParse(state).success, true);
    assert.equal(flow.signupStateSchema.safeParse({ step: 'verified', email: address, exp: t0 }).success, false, 'verified without a user handle');
    assert.equal(flow.signupStateSchema.safeParse({ step: 'done', email: address, userHandle: 'h', name: 'A', exp: t0 }).success, false, 'done is never stored');
  });
});
