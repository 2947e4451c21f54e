import { AppError } from '../errors/app-error.ts';

export class CodeInvalidError extends AppError {
  constructor() {
    super('code_invalid', 400, { en: 'The code is not correct. Please check it and try again.', ja: 'コードが正しくありません。確認してもう一度入力してください。' });
  }
}

export class CodeExpiredError extends AppError {
  constructor() {
    super('code_expired', 400, { en: 'The code has expired or was already used. Please ask for a new one.', ja: 'コードの有効期限が切れているか、すでに使用されています。新しいコードを送信してください。' });
  }
}

export class TooManyAttemptsError extends AppError {
  constructor() {
    super('too_many_attempts', 429, { en: 'Too many wrong codes. Please wait an hour and try again.', ja: '誤ったコードの入力が多すぎます。1 時間ほど待ってからやり直してください。' });
  }
}
