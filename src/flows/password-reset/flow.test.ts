import assert from 'node:assert/strict';
import * as flow from './flow.ts';

describe('password reset flow', () => {
  it('code_sent remembers the address and where to go back to', () => {
    assert.deepEqual(flow.codeSent('alice@example.com', '/interaction/abc'), { step: 'code_sent', email: 'alice@example.com', back: '/interaction/abc', mailed: true });
    assert.deepEqual(flow.codeSent('alice@example.com', '', false), { step: 'code_sent', email: 'alice@example.com', back: '', mailed: false });
    assert.deepEqual(flow.codeSent('alice@example.com', undefined), { step: 'code_sent', email: 'alice@example.com', back: '', mailed: true });
  });

  it('code_sent → done keeps the way back', () => {
    assert.deepEqual(flow.done(flow.codeSent('alice@example.com', '/interaction/abc')), { step: 'done', back: '/interaction/abc' });
  });

  it('lives exactly as long as the code', () => {
    assert.equal(flow.lifetimeMs(600), 600_000);
  });

  it('the stored state goes back only to a sign-in page of tobira', () => {
    const schema = flow.passwordResetStateSchema;
    assert.equal(schema.safeParse(flow.codeSent('a@example.com', '/interaction/abc')).success, true);
    assert.equal(schema.safeParse({ step: 'code_sent', email: 'a@example.com', back: 'https://evil.example/', mailed: true }).success, false);
    assert.equal(schema.safeParse({ step: 'done', back: '' }).success, false, 'done is never stored');
  });
});
