import { AppError, type Messages } from '../errors/app-error.ts';

/** Same error, same wording, for an unknown e-mail and a wrong password (no account enumeration). */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 401, {
      en: 'The e-mail address or password is incorrect.',
      ja: 'メールアドレスまたはパスワードが正しくありません。',
    });
  }
}

export class EmailTakenError extends AppError {
  constructor() {
    super('email_taken', 409, {
      en: 'An account with this e-mail address already exists. Please sign in instead.',
      ja: 'このメールアドレスのアカウントはすでに存在します。ログインしてください。',
    });
  }
}

export class WeakPasswordError extends AppError {
  /**
   * Without `guessable`: too short (or too long). With it: long enough but easy to guess, and why
   * (zxcvbn's feedback, possibly empty).
   */
  constructor(guessable?: Messages) {
    super('weak_password', 400, guessable
      ? {
          en: `This password is too easy to guess. ${guessable.en}`.trim(),
          ja: `このパスワードは推測されやすいため使えません。${guessable.ja}`.trim(),
        }
      : {
          en: 'Choose a password of at least 12 characters.',
          ja: 'パスワードは 12 文字以上にしてください。',
        });
  }
}

export class AccountNotFoundError extends AppError {
  constructor() {
    super('account_not_found', 404, {
      en: 'The account no longer exists.',
      ja: 'アカウントが存在しません。',
    });
  }
}

/** The partner service accepts only a phishing-resistant sign-in for this request. */
export class PasskeyRequiredError extends AppError {
  constructor() {
    super('passkey_required', 403, {
      en: 'This service requires you to sign in with a passkey (biometrics or screen lock), not a password.',
      ja: 'このサービスではパスワードではなく、パスキー（生体認証・画面ロック）でのログインが必要です。',
    });
  }
}
