import { AppError } from '../errors/app-error.ts';

/** A unique field (e-mail, user code, ...) is already taken. */
export class DuplicateKeyError extends AppError {
  readonly field: string;
  constructor(field: string, options?: { cause?: unknown }) {
    super('duplicate_key', 409, {
      en: `This ${field} is already in use.`,
      ja: `この${field}はすでに使われています。`,
    }, options);
    this.field = field;
  }
}

/**
 * A consume-once record (authorization code, refresh token, device code, ...) was already consumed,
 * or vanished, by the time this caller tried to consume it: a second, possibly concurrent, use.
 */
export class AlreadyConsumedError extends AppError {
  constructor() {
    super('already_consumed', 400, {
      en: 'This code or token has already been used.',
      ja: 'このコードまたはトークンはすでに使用されています。',
    });
  }
}

/** The store could not be reached or refused the operation. */
export class StoreUnavailableError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('store_unavailable', 503, {
      en: 'The service is temporarily unavailable. Please try again shortly.',
      ja: 'ただいまサービスをご利用いただけません。しばらくしてから再度お試しください。',
    }, options);
  }
}
