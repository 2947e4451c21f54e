import { AppError } from '../../errors/app-error.ts';

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

export class ControlCharactersError extends AppError {
  constructor() {
    super('control_characters', 400, {
      en: 'Please remove the control characters (such as escape or carriage return): only ordinary text, new lines and tabs are accepted.',
      ja: '制御文字（エスケープや復帰など）は使えません。通常の文字、改行、タブだけで入力してください。',
    });
  }
}

export class RecoveryNoVerifiedContactError extends AppError {
  constructor() {
    super('recovery_no_verified_contact', 409, {
      en: 'This account has no verified contact (no verified e-mail address, no verified mobile number), so there is nowhere safe to send an enrolment link. The request stays pending; reject it or help the user another way.',
      ja: 'このアカウントには確認済みの連絡先（確認済みのメールアドレスや携帯電話番号）がないため、登録用リンクを安全に送れません。申請は未処理のままです。却下するか、別の方法で対応してください。',
    });
  }
}

export class RecoveryNotCompletableError extends AppError {
  constructor(status: string) {
    super('recovery_not_completable', 409, {
      en: `Only an approved request whose enrolment link was used can be completed (this one is ${status}).`,
      ja: `完了処理ができるのは、承認済みで登録用リンクが使われた申請だけです（この申請の状態: ${status}）。`,
    });
  }
}

export class RecoveryEnrolmentNotUsedError extends AppError {
  constructor() {
    super('recovery_enrolment_not_used', 409, {
      en: 'The enrolment link of this request has not been used yet, so there is nothing to complete.',
      ja: 'この申請の登録用リンクはまだ使われていないため、完了処理はできません。',
    });
  }
}

export class RecoveryNewPasskeyGoneError extends AppError {
  constructor() {
    super('recovery_new_passkey_gone', 409, {
      en: 'The passkey registered with the enrolment link no longer belongs to the account; removing every other passkey could lock the user out, so nothing was done.',
      ja: '登録用リンクで登録されたパスキーがアカウントにありません。ほかのパスキーを削除するとログインできなくなるおそれがあるため、何も変更していません。',
    });
  }
}

export class RecoveryCompletionFailedError extends AppError {
  constructor(steps: readonly string[]) {
    super('recovery_completion_failed', 500, {
      en: `The clean-up after the enrolment failed again (${steps.join(', ')}). The steps that could run did; the cause is in tobira's log and the audit log (recovery.completion_failed). Fix it and run the completion again.`,
      ja: `登録後の後処理が再び失敗しました（${steps.join(', ')}）。実行できた手順は実行済みです。原因は tobira のログと監査ログ（recovery.completion_failed）にあります。原因を取り除いてから、もう一度完了処理を実行してください。`,
    });
  }
}
