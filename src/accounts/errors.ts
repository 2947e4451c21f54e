import { AppError } from '../errors/app-error.ts';

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
  constructor() {
    super('weak_password', 400, {
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
