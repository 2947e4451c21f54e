import { AppError } from '../errors/app-error.ts';

/** Password sign-in, password reset or a password-dependent service for an always-passkey account. */
export class AlwaysPasskeyOnError extends AppError {
  constructor() {
    super('always_passkey_on', 403, {
      en: 'This account uses "Always passkey": it signs in only with a passkey (biometrics or screen lock) or a notification to its phone, never with a password, and has no password to reset. To use a password again, sign in with your passkey, open your account (/account) and turn "Always passkey" off by setting a new password.',
      ja: 'このアカウントは「いつもパスキー設定」がオンです。パスワードではログインできず、パスキー（生体認証・画面ロック）またはスマートフォンへの通知でのみログインできます。リセットするパスワードもありません。パスワードを再び使うには、パスキーでログインしてアカウント画面（/account）で新しいパスワードを設定し、「いつもパスキー設定」をオフにしてください。',
    });
  }
}

export class PhoneRequiredError extends AppError {
  constructor() {
    super('phone_required', 409, {
      en: '"Always passkey" can be turned on only after a phone is set up for sign-in (a passkey on the phone and notifications allowed). Open /device on your phone to set it up first.',
      ja: '「いつもパスキー設定」は、ログインに使うスマートフォン（パスキーを登録し、通知を許可したもの）を設定した後でのみオンにできます。先にスマートフォンで /device を開いて設定してください。',
    });
  }
}

export class AlwaysPasskeyNotOnError extends AppError {
  constructor() {
    super('always_passkey_not_on', 409, {
      en: '"Always passkey" is not turned on for this account.',
      ja: 'このアカウントの「いつもパスキー設定」はオンになっていません。',
    });
  }
}

export class NewPasswordRequiredError extends AppError {
  constructor() {
    super('new_password_required', 400, {
      en: 'Turning "Always passkey" off needs a new password: enter one.',
      ja: '「いつもパスキー設定」をオフにするには新しいパスワードが必要です。入力してください。',
    });
  }
}

export class ConfirmationRequiredError extends AppError {
  constructor() {
    super('confirmation_required', 400, {
      en: 'Please confirm that you have read what changes before turning "Always passkey" on.',
      ja: '「いつもパスキー設定」をオンにする前に、変わる点を確認したことにチェックしてください。',
    });
  }
}

/** A partner service marked as password-dependent, for an account that has no password. */
export class PasswordDependentClientError extends AppError {
  constructor(client: string) {
    super('password_dependent_client', 403, {
      en: `${client} works only with a password, and your account uses "Always passkey" (it has no password). ${client} cannot be used with this account while "Always passkey" is on.`,
      ja: `${client} はパスワードでのみ利用できるサービスですが、このアカウントは「いつもパスキー設定」がオンのためパスワードがありません。オンの間、このアカウントでは ${client} を利用できません。`,
    });
  }
}
