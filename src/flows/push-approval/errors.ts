import { AppError } from '../../errors/app-error.ts';

export class PushBlockedError extends AppError {
  constructor() {
    super('push_blocked', 429, { en: 'Sign-in by phone notification is paused for this account for a while. Sign in with a passkey instead.', ja: 'このアカウントでは、しばらくの間スマートフォンへの通知によるログインを停止しています。パスキーでログインしてください。' });
  }
}

export class TooManyPendingApprovalsError extends AppError {
  constructor() {
    super('too_many_pending', 429, { en: 'Several sign-in requests are already waiting on your phone. Answer or let them expire first.', ja: 'スマートフォンで応答待ちのログイン要求がすでに複数あります。応答するか、期限切れになるまでお待ちください。' });
  }
}

export class ApprovalRateLimitedError extends AppError {
  constructor() {
    super('push_rate_limited', 429, { en: 'Too many sign-in requests were sent to your phone this hour. Try again later or sign in with a passkey.', ja: '1 時間あたりのスマートフォンへのログイン要求が多すぎます。時間をおくか、パスキーでログインしてください。' });
  }
}

export class ApprovalNotFoundError extends AppError {
  constructor() {
    super('approval_not_found', 404, { en: 'This sign-in request does not exist or has expired.', ja: 'このログイン要求は存在しないか、期限切れです。' });
  }
}

export class ApprovalAlreadyDecidedError extends AppError {
  constructor() {
    super('approval_decided', 409, { en: 'This sign-in request has already been answered or has expired.', ja: 'このログイン要求はすでに応答済みか、期限切れです。' });
  }
}

export class WrongNumberError extends AppError {
  constructor() {
    super('wrong_number', 400, { en: 'That is not the number shown on the sign-in screen. The request was denied to protect you.', ja: 'ログイン画面に表示された番号と違います。安全のため、この要求は拒否されました。' });
  }
}

export class DeviceRequiredError extends AppError {
  constructor() {
    super('device_required', 403, { en: 'Only a phone set up for this account can answer sign-in requests.', ja: 'ログイン要求に応答できるのは、このアカウントに設定済みのスマートフォンだけです。' });
  }
}

export class ApprovalNotApprovedError extends AppError {
  constructor() {
    super('approval_not_approved', 400, { en: 'The sign-in request was not approved on your phone.', ja: 'スマートフォンでログイン要求が承認されていません。' });
  }
}
