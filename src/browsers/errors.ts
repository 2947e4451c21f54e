import { AppError } from '../errors/app-error.ts';

export class TrustedBrowserNotFoundError extends AppError {
  constructor() {
    super('trusted_browser_not_found', 404, { en: 'There is no such trusted browser in your account.', ja: 'アカウントにその信頼済みブラウザはありません。' });
  }
}
