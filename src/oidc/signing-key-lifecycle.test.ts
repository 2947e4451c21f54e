// The lifecycle rules on their own: which key signs, what /jwks publishes, when a step is allowed,
// what the schedule does next; every refusal leaves the set as it was.
import assert from 'node:assert/strict';
import type { JWK } from 'jose';
import {
  firstSet,
  liveKeys,
  promoted,
  providerJwks,
  retainSeconds,
  retired,
  scheduledStep,
  withNext,
  type KeySet,
  type LifecycleTimes,
} from './signing-key-lifecycle.ts';

const MINUTE = 60_000;
const TIMES: LifecycleTimes = { publishSeconds: 600, retainSeconds: 3600, rotationSeconds: 86_400 };
const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

/** Stand-ins for generated keys: the rules look only at kid and alg. */
function pair(name: string): JWK[] {
  return [{ kty: 'EC', kid: `${name}-es`, alg: 'ES256', use: 'sig' }, { kty: 'RSA', kid: `${name}-rs`, alg: 'RS256', use: 'sig' }];
}

const kidsOf = (jwks: { keys: JWK[] }): string[] => jwks.keys.map((key) => String(key.kid));
const states = (set: KeySet, now: number): Record<string, string> => Object.fromEntries(liveKeys(set, now).map((key) => [key.kid, key.state]));

function frozen(set: KeySet): KeySet {
  return structuredClone(set);
}

describe('signing key lifecycle rules', () => {
  it('a first set is current at once and signs', () => {
    const set = firstSet(pair('a'), T0);
    assert.deepEqual(states(set, T0), { 'a-es': 'current', 'a-rs': 'current' });
    assert.deepEqual(kidsOf(providerJwks(set, T0)), ['a-es', 'a-rs']);
  });

  it('a next generation is published after the current keys (so it signs nothing) and only one may wait', () => {
    const set = withNext(firstSet(pair('a'), T0), pair('b'), T0 + MINUTE);
    assert.deepEqual(states(set, T0 + MINUTE), { 'a-es': 'current', 'a-rs': 'current', 'b-es': 'next', 'b-rs': 'next' });
    // oidc-provider signs with the first key of an algorithm: the current ones come first.
    assert.deepEqual(kidsOf(providerJwks(set, T0 + MINUTE)), ['a-es', 'a-rs', 'b-es', 'b-rs']);
    const before = frozen(set);
    assert.throws(() => withNext(set, pair('c'), T0 + 2 * MINUTE), { code: 'signing_key_next_exists', kid: 'b-es' });
    assert.deepEqual(set, before, 'the refusal changes nothing');
  });

  it('promote: refused without a next key, refused before the publish time, then next signs and current retires together', () => {
    const first = firstSet(pair('a'), T0);
    assert.throws(() => promoted(first, T0, TIMES), { code: 'signing_key_no_next' });
    const set = withNext(first, pair('b'), T0);
    const before = frozen(set);
    const early = T0 + TIMES.publishSeconds * 1000 - 1;
    assert.throws(() => promoted(set, early, TIMES), (err: Error & { code?: string; at?: string }) => {
      assert.equal(err.code, 'signing_key_too_early');
      assert.equal(err.at, new Date(T0 + TIMES.publishSeconds * 1000).toISOString(), 'the refusal says from when it is allowed');
      return true;
    });
    assert.deepEqual(set, before);

    const at = T0 + TIMES.publishSeconds * 1000;
    const after = promoted(set, at, TIMES);
    assert.deepEqual(states(after, at), { 'a-es': 'retired', 'a-rs': 'retired', 'b-es': 'current', 'b-rs': 'current' });
    assert.deepEqual(kidsOf(providerJwks(after, at)), ['b-es', 'b-rs', 'a-es', 'a-rs'], 'the new keys sign, the old ones still verify');
    const old = after.keys.find((key) => key.kid === 'a-rs');
    assert.equal(old?.retiredAt, at);
    assert.equal(old?.removeAt, at + TIMES.retainSeconds * 1000);
  });

  it('a retired key leaves /jwks exactly when its retention ends', () => {
    const at = T0 + TIMES.publishSeconds * 1000;
    const set = promoted(withNext(firstSet(pair('a'), T0), pair('b'), T0), at, TIMES);
    const end = at + TIMES.retainSeconds * 1000;
    assert.deepEqual(kidsOf(providerJwks(set, end - 1)), ['b-es', 'b-rs', 'a-es', 'a-rs']);
    assert.deepEqual(kidsOf(providerJwks(set, end)), ['b-es', 'b-rs']);
  });

  it('retire: the current key and unknown kids are refused; a next generation is discarded; a retired one is removed only when asked "immediately"', () => {
    const at = T0 + TIMES.publishSeconds * 1000;
    const set = withNext(promoted(withNext(firstSet(pair('a'), T0), pair('b'), T0), at, TIMES), pair('c'), at);
    const before = frozen(set);
    assert.throws(() => retired(set, 'b-rs', at, { immediately: false }), { code: 'signing_key_is_current', kid: 'b-rs' });
    assert.throws(() => retired(set, 'b-rs', at, { immediately: true }), { code: 'signing_key_is_current' });
    assert.throws(() => retired(set, 'nope', at, { immediately: false }), { code: 'signing_key_not_found', kid: 'nope' });
    assert.throws(() => retired(set, 'a-es', at, { immediately: false }), { code: 'signing_key_already_retired', kid: 'a-es' });
    assert.deepEqual(set, before, 'no refusal changes anything');

    const discarded = retired(set, 'c-es', at, { immediately: false });
    assert.equal(discarded.outcome, 'discarded');
    assert.deepEqual(discarded.kids.sort(), ['c-es', 'c-rs'], 'both algorithms go together');
    assert.deepEqual(states(discarded.set, at), { 'a-es': 'retired', 'a-rs': 'retired', 'b-es': 'current', 'b-rs': 'current' });

    const removed = retired(set, 'a-rs', at, { immediately: true });
    assert.equal(removed.outcome, 'removed');
    assert.deepEqual(removed.kids.sort(), ['a-es', 'a-rs']);
    assert.deepEqual(kidsOf(providerJwks(removed.set, at)), ['b-es', 'b-rs', 'c-es', 'c-rs']);
    // A key whose retention has ended is gone: it is unknown to retire too.
    assert.throws(() => retired(set, 'a-es', at + TIMES.retainSeconds * 1000, { immediately: true }), { code: 'signing_key_not_found' });
  });

  it('the schedule generates publishSeconds before the rotation is due, promotes when due, then removes the old keys after retention', () => {
    const set0 = firstSet(pair('a'), T0);
    const due = T0 + TIMES.rotationSeconds * 1000;
    const generateAt = due - TIMES.publishSeconds * 1000;
    assert.equal(scheduledStep(set0, generateAt - 1, TIMES), undefined);
    assert.equal(scheduledStep(set0, generateAt, TIMES), 'generate');
    const set1 = withNext(set0, pair('b'), generateAt);
    assert.equal(scheduledStep(set1, due - 1, TIMES), undefined);
    assert.equal(scheduledStep(set1, due, TIMES), 'promote');
    const set2 = promoted(set1, due, TIMES);
    assert.equal(scheduledStep(set2, due + 1, TIMES), undefined);
    assert.equal(scheduledStep(set2, due + TIMES.retainSeconds * 1000, TIMES), 'remove');
    // A next key generated late (by command) is promoted only once it has been published long enough.
    const late = withNext(set0, pair('b'), due);
    assert.equal(scheduledStep(late, due + 1, TIMES), undefined);
    assert.equal(scheduledStep(late, due + TIMES.publishSeconds * 1000, TIMES), 'promote');
  });

  it('with rotation off the schedule only removes expired keys', () => {
    const off = { ...TIMES, rotationSeconds: 0 };
    const at = T0 + TIMES.publishSeconds * 1000;
    const set = promoted(withNext(firstSet(pair('a'), T0), pair('b'), T0), at, off);
    assert.equal(scheduledStep(set, T0 + 1000 * 86_400 * 365, off), 'remove');
    assert.equal(scheduledStep(firstSet(pair('a'), T0), T0 + 1000 * 86_400 * 365, off), undefined);
  });

  it('a retired key is kept for the longest token lifetime plus the margin (logout tokens live 120 s)', () => {
    assert.equal(retainSeconds({ idToken: 3600, accessTokens: [3600, 7200], graceSeconds: 600 }), 7800);
    assert.equal(retainSeconds({ idToken: 60, accessTokens: [30], graceSeconds: 0 }), 120);
  });
});
