// Every refusal tobira makes is declared here in one line: a stable machine code (for logs, JSON
// answers and tests) and, for the errors the edge answers with, an HTTP status. The text in each
// language is looked up by code in i18n/<lang>/errors.ts; the HTTP edge maps errors to answers once.
//
//   export const PasskeyNotFoundError = E('passkey_not_found', 404);
//   export const InvalidInputError = E('invalid_input', 400, (field?: string) => ({ field }));
//
// A declared error is a class: `instanceof` works, and the values its text takes become readonly
// properties of the error (`err.field`). Every constructor also takes `{ cause }` last.
import { type ErrorCode, type ErrorParams, errorText, takesParams } from '../i18n/error-text.ts';
import type { Lang } from '../i18n/lang.ts';

export type { ErrorCode } from '../i18n/error-text.ts';

/** An error with a code and a text per language but no HTTP status: what the store throws. */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly params: object;

  constructor(code: ErrorCode, params: object, options?: ErrorOptions) {
    super(errorText('en', code, params as never), options);
    Object.assign(this, params);
    this.name = new.target.name;
    this.code = code;
    this.params = params;
  }

  /** The error's text in every language. */
  get messages(): Readonly<Record<Lang, string>> {
    return { ja: errorText('ja', this.code, this.params as never), en: this.message };
  }
}

/** An error the HTTP edge answers with as it is: its code, status and text. */
export class AppError extends CodedError {
  readonly status: number;

  constructor(code: ErrorCode, status: number, params: object, options?: ErrorOptions) {
    super(code, params, options);
    this.status = status;
  }
}

/** Without a toParams, an error whose text takes values is built from those values as one object. */
type DefaultArgs<C extends ErrorCode> = keyof ErrorParams<C> extends never ? [] : [params: ErrorParams<C>];

/** What E() and codeOnly() return: a class whose instances carry the code and the text's values. */
export interface DeclaredError<Base, C extends ErrorCode, A extends unknown[], P> {
  new (...args: [...A, options?: ErrorOptions]): Base & { readonly code: C } & Readonly<P>;
  readonly code: C;
}

/**
 * Splits a constructor's arguments into the text's values and the trailing `{ cause }`, by the
 * number of parameters `toParams` declares (so it declares them plainly: no defaults, no rest).
 */
function argumentReader(code: ErrorCode, toParams: ((...args: never[]) => object) | undefined): (args: unknown[]) => { params: object; options: ErrorOptions | undefined } {
  const toValues = (toParams ?? (takesParams(code) ? (params: object) => params : () => ({}))) as (...values: unknown[]) => object;
  const arity = toValues.length;
  return (args) => ({
    params: toValues(...args.slice(0, arity)),
    options: args.length > arity ? args[arity] as ErrorOptions | undefined : undefined,
  });
}

/** oidc-provider's naming: 'passkey_not_found' is PasskeyNotFoundError. */
function named<T extends object>(declared: T, code: string): T {
  const name = `${code.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}Error`;
  return Object.defineProperty(declared, 'name', { value: name });
}

/**
 * Declares an error the edge answers with `status`. `toParams` keeps a constructor's positional
 * arguments (`new InvalidInputError('email')`); without it, an error whose text takes values is
 * built from them as one object.
 */
export function E<C extends ErrorCode>(code: C, status: number): DeclaredError<AppError, C, DefaultArgs<C>, ErrorParams<C>> & { readonly status: number };
export function E<C extends ErrorCode, A extends unknown[], P extends ErrorParams<C>>(code: C, status: number, toParams: (...args: A) => P): DeclaredError<AppError, C, A, P> & { readonly status: number };
export function E(code: ErrorCode, status: number, toParams?: (...args: never[]) => object): unknown {
  const read = argumentReader(code, toParams);
  return named(class extends AppError {
    static readonly code = code;
    static readonly status = status;
    constructor(...args: unknown[]) {
      const { params, options } = read(args);
      super(code, status, params, options);
    }
  }, code);
}

/** Declares an error without an HTTP status (the store's): the edge decides what it answers. */
export function codeOnly<C extends ErrorCode>(code: C): DeclaredError<CodedError, C, DefaultArgs<C>, ErrorParams<C>>;
export function codeOnly<C extends ErrorCode, A extends unknown[], P extends ErrorParams<C>>(code: C, toParams: (...args: A) => P): DeclaredError<CodedError, C, A, P>;
export function codeOnly(code: ErrorCode, toParams?: (...args: never[]) => object): unknown {
  const read = argumentReader(code, toParams);
  return named(class extends CodedError {
    static readonly code = code;
    constructor(...args: unknown[]) {
      const { params, options } = read(args);
      super(code, params, options);
    }
  }, code);
}
