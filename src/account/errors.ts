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
