import { AppError } from '../errors/app-error.ts';

export class ContactRequiredError extends AppError {
  constructor() {
    super('contact_required', 400, {
      en: 'Please give a contact e-mail address or a mobile number, so that we can compare them with your account.',
      ja: 'アカウントの情報と照合するため、連絡先のメールアドレスか携帯電話番号を入力してください。',
    });
  }
}

export class RecoveryRequestNotFoundError extends AppError {
  constructor() {
    super('recovery_request_not_found', 404, { en: 'There is no recovery request with this id.', ja: 'この ID の復旧申請はありません。' });
  }
}

export class RecoveryRequestDecidedError extends AppError {
  constructor(status: string) {
    super('recovery_request_decided', 409, {
      en: `This recovery request is no longer pending (it is ${status}).`,
      ja: `この復旧申請はすでに処理済みです（状態: ${status}）。`,
    });
  }
}

export class RecoveryAccountUnknownError extends AppError {
  constructor() {
    super('recovery_account_unknown', 409, {
      en: 'This recovery request names no existing account, so there is nobody to send an enrolment link to. Reject it instead.',
      ja: 'この復旧申請に該当するアカウントがないため、登録用リンクを送れません。却下してください。',
    });
  }
}
