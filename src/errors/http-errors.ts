import { AppError } from './app-error.ts';

export class InvalidInputError extends AppError {
  readonly field: string | undefined;
  constructor(field?: string) {
    super('invalid_input', 400, {
      en: field ? `Please check the field "${field}".` : 'The request could not be read. Please check what you entered.',
      ja: field ? `「${field}」の入力内容を確認してください。` : 'リクエストを読み取れませんでした。入力内容を確認してください。',
    });
    this.field = field;
  }
}

export class PayloadTooLargeError extends AppError {
  constructor() {
    super('payload_too_large', 413, {
      en: 'The request is too large.',
      ja: 'リクエストが大きすぎます。',
    });
  }
}

export class CsrfError extends AppError {
  constructor() {
    super('csrf_failed', 403, {
      en: 'This form has expired or was not sent from tobira. Please go back, reload the page and try again.',
      ja: 'このフォームは期限切れか、tobira から送信されたものではありません。前のページに戻り、再読み込みしてからやり直してください。',
    });
  }
}

export class NotFoundError extends AppError {
  constructor() {
    super('not_found', 404, { en: 'This page does not exist.', ja: 'このページは存在しません。' });
  }
}

export class InteractionExpiredError extends AppError {
  constructor() {
    super('interaction_expired', 400, {
      en: 'This sign-in has expired or is unknown. Please return to the service you came from and start again.',
      ja: 'このログイン手続きは期限切れか無効です。利用していたサービスに戻り、最初からやり直してください。',
    });
  }
}

export class InternalError extends AppError {
  constructor() {
    super('internal_error', 500, {
      en: 'Something went wrong on our side. Please try again.',
      ja: 'システムでエラーが発生しました。もう一度お試しください。',
    });
  }
}
