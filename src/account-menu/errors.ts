import { AppError } from '../errors/app-error.ts';

export class NotSignedInError extends AppError {
  constructor() {
    super('not_signed_in', 401, { en: 'Please sign in first.', ja: '先にログインしてください。' });
  }
}

export class ReauthenticationRequiredError extends AppError {
  constructor() {
    super('reauthentication_required', 403, {
      en: 'For your security, confirm it is you (sign in again) before making this change.',
      ja: 'セキュリティのため、この変更の前に本人確認（再ログイン）をしてください。',
    });
  }
}

/** Turning always-passkey off needs a recent sign-in with a passkey, not a password or a phone approval. */
export class PasskeyReauthenticationRequiredError extends AppError {
  constructor() {
    super('passkey_reauthentication_required', 403, {
      en: 'For your security, sign in again with your passkey (biometrics or screen lock) before making this change.',
      ja: 'セキュリティのため、この変更の前にパスキー（生体認証・画面ロック）でもう一度ログインしてください。',
    });
  }
}

/** A connected-service id that is not one of this account's partner grants (or does not exist). */
export class ServiceNotConnectedError extends AppError {
  constructor() {
    super('service_not_connected', 404, {
      en: 'This service is not connected to your account.',
      ja: 'このサービスはあなたのアカウントと連携していません。',
    });
  }
}
