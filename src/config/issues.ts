// Turns a zod issue from the one settings validation into the refusal an operator reads, in both
// languages: what was expected, with the setting's bounds and unit, and what was given unless the
// setting is a secret.
import type { z } from 'zod';
import type { Localized as Messages } from '../i18n/lang.ts';
import { unitJa } from './kinds.ts';
import type { Declared } from './setting.ts';

type Issue = z.core.$ZodIssue;

/** What a type wants: English as "expected …", Japanese as the whole request. */
const EXPECTED: Record<string, Messages> = {
  number: { en: 'a whole number', ja: '整数を指定してください' },
  int: { en: 'a whole number', ja: '整数を指定してください' },
  boolean: { en: 'true or false', ja: 'true か false を指定してください' },
  string: { en: 'text', ja: '文字列を指定してください' },
  array: { en: 'a list', ja: 'リストを指定してください' },
  object: { en: 'a group of settings (JSON object)', ja: '設定のグループ（JSON オブジェクト）を指定してください' },
};

function shown(input: unknown): string {
  if (input === undefined) return 'nothing';
  const json = typeof input === 'string' ? `"${input}"` : JSON.stringify(input) ?? String(input);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function rangeText(declared: Declared | undefined): Messages | null {
  const range = declared?.spec.kind.range;
  if (!range) return null;
  const en = range.unit ? ` ${range.unit}` : '';
  const ja = range.unit ? ` ${unitJa(range.unit)}` : ' ';
  return {
    en: `must be between ${range.min} and ${range.max}${en}`,
    ja: `${range.min}〜${range.max}${ja}で指定してください`,
  };
}

function bare(issue: Issue, declared: Declared | undefined): Messages {
  switch (issue.code) {
    case 'invalid_type': {
      const wanted = EXPECTED[issue.expected] ?? { en: issue.expected, ja: `${issue.expected} を指定してください` };
      if (declared?.spec.secret) return { en: `expected ${wanted.en}`, ja: wanted.ja };
      const given = shown(issue.input);
      return { en: `expected ${wanted.en}, got ${given}`, ja: `${wanted.ja}（${given} が指定されました）` };
    }
    case 'too_small': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        return rangeText(declared) ?? { en: `must be at least ${issue.minimum}`, ja: `${issue.minimum} 以上を指定してください` };
      }
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? { en: 'must not be empty', ja: '空にはできません' }
          : { en: `must be at least ${issue.minimum} characters`, ja: `${issue.minimum} 文字以上にしてください` };
      }
      if (issue.origin === 'array') return { en: 'is set but empty', ja: '設定されていますが空です' };
      return { en: issue.message, ja: issue.message };
    }
    case 'too_big': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        return rangeText(declared) ?? { en: `must be at most ${issue.maximum}`, ja: `${issue.maximum} 以下を指定してください` };
      }
      return { en: issue.message, ja: issue.message };
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      return { en: `must be one of ${values.join(', ')}`, ja: `${values.join('、')} のいずれかを指定してください` };
    }
    case 'unrecognized_keys':
      return { en: `no such setting: ${issue.keys.join(', ')}`, ja: `そのような設定はありません: ${issue.keys.join(', ')}` };
    case 'custom': {
      const ja: unknown = issue.params?.ja;
      return { en: issue.message, ja: typeof ja === 'string' ? ja : issue.message };
    }
    default:
      return { en: issue.message, ja: issue.message };
  }
}

/** The refusal for one issue; an issue inside a list (an item) says so. */
export function explainIssue(issue: Issue, declared: Declared | undefined): Messages {
  const messages = bare(issue, declared);
  const inItem = declared !== undefined && issue.path.length > declared.keys.length && issue.code !== 'custom';
  return inItem ? { en: `every item ${messages.en}`, ja: `各項目: ${messages.ja}` } : messages;
}
