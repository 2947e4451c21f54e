import { AppError } from '../errors/app-error.ts';

export class InvalidWebAuthnResponseError extends AppError {
  constructor() {
    super('invalid_webauthn_response', 400, { en: 'The passkey response could not be read. Please try again.', ja: 'パスキーの応答を読み取れませんでした。もう一度お試しください。' });
  }
}

export class PasskeyVerificationFailedError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('passkey_verification_failed', 400, { en: 'The passkey could not be verified. Please try again.', ja: 'パスキーを確認できませんでした。もう一度お試しください。' }, options);
  }
}

export class ChallengeExpiredError extends AppError {
  constructor() {
    super('challenge_expired', 400, { en: 'This passkey request has expired or was already used. Please try again.', ja: 'このパスキーの要求は期限切れか、すでに使用されています。もう一度お試しください。' });
  }
}

export class UnknownPasskeyError extends AppError {
  constructor() {
    super('unknown_passkey', 400, { en: 'This passkey is not registered with tobira (it may have been deleted). Choose another passkey or sign in another way.', ja: 'このパスキーは tobira に登録されていません（削除された可能性があります）。別のパスキーを選ぶか、別の方法でログインしてください。' });
  }
}

export class PasskeyAccountMismatchError extends AppError {
  constructor() {
    super('passkey_account_mismatch', 400, { en: 'This passkey belongs to a different account.', ja: 'このパスキーは別のアカウントのものです。' });
  }
}

export class CounterRegressionError extends AppError {
  constructor() {
    super('passkey_counter_regression', 400, { en: 'This passkey looks like a copy of another authenticator and was refused. Please contact support.', ja: 'このパスキーは複製された認証器の可能性があるため、拒否しました。サポートにお問い合わせください。' });
  }
}

export class PasskeyAlreadyRegisteredError extends AppError {
  constructor() {
    super('passkey_already_registered', 409, { en: 'This passkey is already registered.', ja: 'このパスキーはすでに登録されています。' });
  }
}

export class PasskeyNotFoundError extends AppError {
  constructor() {
    super('passkey_not_found', 404, { en: 'There is no such passkey in your account.', ja: 'アカウントにそのパスキーはありません。' });
  }
}

export class LastSignInMethodError extends AppError {
  constructor() {
    super('last_sign_in_method', 409, { en: 'This is the last way into your account, so it cannot be deleted. Add another passkey first.', ja: 'アカウントにログインする最後の手段のため削除できません。先に別のパスキーを追加してください。' });
  }
}
