// How strong a new password must be: 12 to 256 characters and a zxcvbn-ts score of at least 3
// ("safely unguessable"), judged with the account's own e-mail address and name as words an
// attacker would try first. The refusal carries zxcvbn's feedback, in Japanese and English.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import type { Localized } from '../i18n/lang.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './account-service.ts';
import { WeakPasswordError } from './errors.ts';

export const MIN_PASSWORD_SCORE = 3;

// zxcvbn-ts has no Japanese pack: its feedback comes back as keys, translated here and from the
// English pack.
const WARNINGS_JA: Record<string, string> = {
  straightRow: 'キーボードで一列に並んだキーは推測されやすいです。',
  keyPattern: '短いキーボードのパターンは推測されやすいです。',
  simpleRepeat: '「aaa」のような同じ文字の繰り返しは推測されやすいです。',
  extendedRepeat: '「abcabcabc」のような繰り返しは推測されやすいです。',
  sequences: '「abc」のようなよくある並びは推測されやすいです。',
  recentYears: '最近の年は推測されやすいです。',
  dates: '日付は推測されやすいです。',
  topTen: '非常によく使われているパスワードです。',
  topHundred: 'よく使われているパスワードです。',
  common: '一般的によく使われているパスワードです。',
  similarToCommon: 'よく使われているパスワードに似ています。',
  wordByItself: '単語ひとつだけでは推測されやすいです。',
  namesByThemselves: '名前や名字だけでは推測されやすいです。',
  commonNames: 'よくある名前や名字は推測されやすいです。',
  userInputs: 'メールアドレスや名前など、あなたに関する情報を含めないでください。',
  pwned: 'このパスワードはインターネット上のデータ漏えいで流出しています。',
};

const SUGGESTIONS_JA: Record<string, string> = {
  l33t: '「a」を「@」にするような予測しやすい置き換えは避けてください。',
  reverseWords: 'よくある単語を逆につづるのは避けてください。',
  allUppercase: 'すべてではなく、一部の文字だけを大文字にしてください。',
  capitalization: '先頭以外の文字も大文字にしてください。',
  dates: 'あなたに関係する日付や年は避けてください。',
  recentYears: '最近の年は避けてください。',
  associatedYears: 'あなたに関係する年は避けてください。',
  sequences: 'よくある文字の並びは避けてください。',
  repeated: '単語や文字の繰り返しは避けてください。',
  longerKeyboardPattern: 'キーボードのパターンを使うなら、長くし、何度も向きを変えてください。',
  anotherWord: 'あまり使われない単語を加えてください。',
  useWords: '複数の単語を使ってください。ただし、よくある言い回しは避けてください。',
  noNeed: '記号・数字・大文字を使わなくても、強いパスワードは作れます。',
  pwned: 'このパスワードを他で使っている場合は変更してください。',
};

let factory: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  // Building the dictionaries takes a moment: once per process, on first use.
  factory ??= new ZxcvbnFactory({ graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...english.dictionary } });
  return factory;
}

function translate(keys: string[], ja: Record<string, string>, en: Record<string, string>): Localized {
  return {
    ja: keys.map((key) => ja[key] ?? key).join(''),
    en: keys.map((key) => en[key] ?? key).join(' '),
  };
}

/** The words of an e-mail address and a name, as zxcvbn user inputs. */
function personalWords(inputs: readonly string[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    const value = input.trim().toLowerCase();
    if (!value) continue;
    words.add(value);
    for (const part of value.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

/**
 * Throws WeakPasswordError (with the reason) unless `password` is long enough and zxcvbn scores it
 * at least MIN_PASSWORD_SCORE; `personal` are the account's e-mail address and name.
 */
export function checkPasswordStrength(password: string, personal: readonly string[]): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) throw new WeakPasswordError();
  const result = zxcvbn().check(password, personalWords(personal));
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const en = english.translations as { warnings: Record<string, string>; suggestions: Record<string, string> };
  const reasons = [
    ...(result.feedback.warning ? [translate([result.feedback.warning], WARNINGS_JA, en.warnings)] : []),
    translate(result.feedback.suggestions, SUGGESTIONS_JA, en.suggestions),
  ];
  throw new WeakPasswordError({
    ja: reasons.map((r) => r.ja).filter(Boolean).join(''),
    en: reasons.map((r) => r.en).filter(Boolean).join(' '),
  });
}
