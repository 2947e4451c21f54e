// The one password policy: 12 to 256 characters and a zxcvbn score of at least 3, judged with the
// account's own e-mail address and name as words an attacker tries first; a refusal says why, in
// Japanese and English.
import assert from 'node:assert/strict';
import { checkPasswordStrength } from './password-policy.ts';

interface Refusal {
  code: string;
  messages: { ja: string; en: string };
}

/** The refusal checkPasswordStrength throws, or a failed assertion when it accepts. */
async function refusalOf(password: string, personal: readonly string[] = []): Promise<Refusal> {
  try {
    await checkPasswordStrength(password, personal);
  } catch (err) {
    return err as Refusal;
  }
  assert.fail(`accepted ${JSON.stringify(password)}`);
}

// Said for a password too long as well (the limit of 256 is not shown).
const LENGTH_REFUSAL = 'Choose a password of at least 12 characters.';
// Random characters: strong at any length, so only the length rule can refuse them.
const RANDOM = 'Xq7#mV2p!Lr9';

describe('password policy', async () => {
  it('accepts 12 random characters and refuses 11, with the length message in both languages', async () => {
    await checkPasswordStrength(RANDOM, []);
    const refusal = (await refusalOf(RANDOM.slice(0, 11)));
    assert.equal(refusal.code, 'weak_password');
    assert.equal(refusal.messages.en, LENGTH_REFUSAL);
    assert.equal(refusal.messages.ja, 'パスワードは 12 文字以上にしてください。');
  });

  it('lets 256 characters through to the strength check and refuses 257 for their length', async () => {
    // A strong 256-character password takes zxcvbn seconds; a repeated letter is judged at once.
    assert.match((await refusalOf('a'.repeat(256))).messages.en, /^This password is too easy to guess\./);
    assert.equal((await refusalOf('a'.repeat(257))).messages.en, LENGTH_REFUSAL);
  });

  it('accepts a long passphrase of ordinary words, and a password that just scores 3', async () => {
    await checkPasswordStrength('correct horse battery staple', []);
    await checkPasswordStrength('umi-sora-hoshi 8841 kaze', []);
    await checkPasswordStrength('tokyotower123', []);
  });

  // 'Password2024!' and 'football2023!' score 2: one short of the policy.
  for (const guessable of ['passwordpassword', 'aaaaaaaaaaaaaa', 'qwertyuiopasdf', 'Password2024!', 'football2023!']) {
    it(`refuses "${guessable}": long enough, easy to guess, and says why in both languages`, async () => {
      const refusal = (await refusalOf(guessable));
      assert.equal(refusal.code, 'weak_password');
      assert.match(refusal.messages.en, /^This password is too easy to guess\. \S/);
      assert.match(refusal.messages.ja, /^このパスワードは推測されやすいため使えません。\S/);
      // zxcvbn-ts has no Japanese pack: every reason it gives must have come through the table
      // (quoted examples such as 「abcabcabc」 aside), not as a key or in English.
      assert.doesNotMatch(refusal.messages.ja.replace(/「[^」]*」/g, ''), /[A-Za-z]{3,}/, refusal.messages.ja);
    });
  }

  it('refuses a password built on the account\'s e-mail address or name that it accepts for anyone else', async () => {
    const password = 'shimokitazawa1987';
    await checkPasswordStrength(password, ['someone@example.com', 'Mina Ito']);
    for (const personal of [['shimokitazawa@example.com', 'Mina Ito'], ['mina@example.com', 'Mina Shimokitazawa']]) {
      const refusal = (await refusalOf(password, personal));
      assert.equal(refusal.code, 'weak_password');
      assert.match(refusal.messages.ja, /メールアドレスや名前など/);
    }
  });
});
