// The pages' translator: `t(key, params)` in the views, with the texts of i18n/<lang>/pages.ts.
import { pages as en } from './en/pages.ts';
import { pages as ja, type PageKey } from './ja/pages.ts';
import type { Lang } from './lang.ts';

export type MessageKey = PageKey;

const DICTIONARIES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { ja, en };

export type Translate = (key: MessageKey, params?: Record<string, string>) => string;

export function translator(lang: Lang): Translate {
  const dictionary = DICTIONARIES[lang];
  return (key, params) => dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => params?.[name] ?? whole);
}
