// The attempt limit of one-time codes against guesses sent all at once, on each store: every try is
// counted before its code is looked at, so no more than the limit are ever tested, even when all
// of them arrive before the first answer. (The store's consume, called only for a guess found
// right, is watched too.)
import assert from 'node:assert/strict';
import { AppError } from '../../src/errors/app-error.ts';
import { RateLimiter } from '../../src/limits/rate-limiter.ts';
import { OneTimeCodeService } from '../../src/one-time-codes/one-time-code-service.ts';
import type { Store } from '../../src/store/types.ts';
import { freshStore, STORE_KINDS } from '../support/stores.ts';
import { TEST_LIMIT_SETTINGS } from '../support/limits.ts';

const POLICY = { ttlSeconds: 600, maxAttempts: 5, attemptWindowSeconds: 3600 };
const PUSH = TEST_LIMIT_SETTINGS.push;

function wrongGuesses(right: string, count: number): string[] {
  const guesses: string[] = [];
  for (let n = 1; guesses.length < count; n += 1) {
    const guess = String(n * 104_729 % 1_000_000).padStart(6, '0');
    if (guess !== right) guesses.push(guess);
  }
  return guesses;
}

function errorCodes(results: Array<PromiseSettledResult<string>>): string[] {
  return results.map((result) => {
    if (result.status === 'fulfilled') return 'accepted';
    return result.reason instanceof AppError ? result.reason.code : String(result.reason);
  });
}

for (const kind of STORE_KINDS) {
  describe(`one-time code attempts sent all at once (${kind} store)`, () => {
    let store: Store;
    const tested: string[] = [];

    before(async () => {
      store = await freshStore(kind);
      const consume = store.oneTimeCodes.consume.bind(store.oneTimeCodes);
      store.oneTimeCodes.consume = (key, codeHash) => {
        tested.push(key);
        return consume(key, codeHash);
      };
    });
    after(async () => {
      await store.close();
    });

    it('thirty wrong guesses at once test at most five; then even the right code is refused', async () => {
      const codes = new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, { oneTimeCode: POLICY, push: PUSH }), POLICY);
      const right = await codes.issue('swarm', 'someone@example.com');
      tested.length = 0;
      const answers = errorCodes(await Promise.allSettled(wrongGuesses(right, 30).map((guess) => codes.verify('swarm', guess))));
      assert.ok(answers.every((a) => a === 'code_invalid' || a === 'too_many_attempts'), answers.join(' '));
      assert.ok(answers.filter((a) => a === 'code_invalid').length <= POLICY.maxAttempts, answers.join(' '));
      assert.ok(tested.length <= POLICY.maxAttempts, `${tested.length} guesses were tested`);
      await assert.rejects(codes.verify('swarm', right), (err: unknown) => err instanceof AppError && err.code === 'too_many_attempts');
      assert.ok(await store.oneTimeCodes.find('swarm'), 'the code itself was never used');
    });

    it('a right code among thirty guesses at once is accepted at most once, and only within the limit', async () => {
      const codes = new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, { oneTimeCode: POLICY, push: PUSH }), POLICY);
      const right = await codes.issue('mixed', 'someone@example.com');
      tested.length = 0;
      const guesses = wrongGuesses(right, 29);
      guesses.splice(14, 0, right);
      const answers = errorCodes(await Promise.allSettled(guesses.map((guess) => codes.verify('mixed', guess))));
      assert.ok(answers.filter((a) => a === 'accepted').length <= 1, answers.join(' '));
      assert.ok(tested.length <= POLICY.maxAttempts, `${tested.length} guesses were tested`);
    });

    it('guesses at two codes at once (a phone change) are limited per code, and a new code works at once', async () => {
      const codes = new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, { oneTimeCode: POLICY, push: PUSH }), POLICY);
      const email = await codes.issue('change:email', 'someone@example.com');
      const mobile = await codes.issue('change:mobile', '+819012345678');
      const answers = await Promise.all([
        Promise.allSettled(wrongGuesses(email, 15).map((guess) => codes.verify('change:email', guess))).then(errorCodes),
        Promise.allSettled(wrongGuesses(mobile, 15).map((guess) => codes.verify('change:mobile', guess))).then(errorCodes),
      ]);
      for (const perCode of answers) {
        assert.ok(perCode.every((a) => a === 'code_invalid' || a === 'too_many_attempts'), perCode.join(' '));
        // The last try within the limit answers too_many_attempts (the code is used up with it).
        assert.ok(perCode.filter((a) => a === 'code_invalid').length <= POLICY.maxAttempts - 1, perCode.join(' '));
      }
      await assert.rejects(codes.verify('change:email', email), (err: unknown) => err instanceof AppError && err.code === 'too_many_attempts');
      // No lock-out: a new code for the same purpose is issued and accepted.
      const fresh = await codes.issue('change:email', 'someone@example.com');
      assert.equal(await codes.verify('change:email', fresh), 'someone@example.com');
    });
  });
}
