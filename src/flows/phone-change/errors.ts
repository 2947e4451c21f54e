import { AppError } from '../../errors/app-error.ts';

/** The browser holds no phone change in progress (none started here, or it ran out). */
export class PhoneChangeStepError extends AppError {
  constructor() {
    super('phone_change_step_missing', 400, {
      en: 'There is no phone change in progress in this browser, or it has expired. Please start again.',
      ja: 'このブラウザで進行中の機種変更の手続きがないか、期限が切れました。最初からやり直してください。',
    });
  }
}

/** Codes go out by mail and SMS (which costs money): only so many attempts per account and hour. */
export class PhoneChangeRateLimitedError extends AppError {
  constructor() {
    super('phone_change_rate_limited', 429, {
      en: 'Codes for this account were requested too often. Please wait an hour and try again.',
      ja: 'このアカウントの確認コードの送信が多すぎます。1 時間ほど待ってからやり直してください。',
    });
  }
}
