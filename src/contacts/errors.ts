import { AppError } from '../errors/app-error.ts';

export class ContactEmailInvalidError extends AppError {
  constructor() {
    super('contact_email_invalid', 400, {
      en: 'This is not a valid e-mail address. Please check it.',
      ja: 'メールアドレスの形式が正しくありません。確認してください。',
    });
  }
}

export class MobileNumberInvalidError extends AppError {
  constructor() {
    super('mobile_number_invalid', 400, {
      en: 'This is not a valid phone number. Enter it like 090-1234-5678, or with + and the country code.',
      ja: '電話番号が正しくありません。090-1234-5678 のように、または + と国番号から入力してください。',
    });
  }
}

export class NotAMobileNumberError extends AppError {
  constructor() {
    super('not_a_mobile_number', 400, {
      en: 'This is not a mobile number. Codes are sent by SMS, so please enter a mobile number.',
      ja: '携帯電話の番号ではありません。確認コードは SMS で送るため、携帯電話番号を入力してください。',
    });
  }
}

export class ContactNotSetError extends AppError {
  constructor() {
    super('contact_not_set', 404, { en: 'This contact is not set.', ja: 'この連絡先は登録されていません。' });
  }
}

export class TooManyCodesError extends AppError {
  constructor() {
    super('too_many_codes', 429, {
      en: 'Too many codes were sent. Please wait an hour and try again.',
      ja: '確認コードの送信回数が多すぎます。1 時間ほど待ってからやり直してください。',
    });
  }
}

export class CodeNotDeliveredError extends AppError {
  constructor(options?: { cause?: unknown }) {
    super('code_not_delivered', 502, {
      en: 'The code could not be sent. Please check the address and try again later.',
      ja: '確認コードを送信できませんでした。宛先を確認して、しばらくしてからもう一度お試しください。',
    }, options);
  }
}
