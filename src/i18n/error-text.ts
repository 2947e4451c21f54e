// Looks up an error's text by its code, in one language. The codes and the values each text takes
// are those of i18n/ja/errors.ts.
import { errors as en } from './en/errors.ts';
import { errors as ja, type ErrorTexts } from './ja/errors.ts';
import type { Lang } from './lang.ts';

const ERRORS: Readonly<Record<Lang, ErrorTexts>> = { ja, en };

export type ErrorCode = keyof ErrorTexts;

/** The values the text of `C` takes (an empty object when it takes none). */
export type ErrorParams<C extends ErrorCode> = ErrorTexts[C] extends (params: infer P) => string ? P : Record<never, never>;

export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ja) as ErrorCode[];

/** Whether the text of `code` needs values. */
export function takesParams(code: ErrorCode): boolean {
  return typeof ja[code] === 'function';
}

export function errorText<C extends ErrorCode>(lang: Lang, code: C, params: ErrorParams<C>): string {
  const text: string | ((params: ErrorParams<C>) => string) = ERRORS[lang][code] as string | ((params: ErrorParams<C>) => string);
  return typeof text === 'string' ? text : text(params);
}
