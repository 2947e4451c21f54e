import { AppError } from '../errors/app-error.ts';

export class AdminApiOffError extends AppError {
  constructor() {
    super('admin_api_off', 404, {
      en: 'The operator API is off (ADMIN_TOKEN is not set).',
      ja: '運用者 API は無効です（ADMIN_TOKEN が設定されていません）。',
    });
  }
}

export class AdminUnauthorizedError extends AppError {
  constructor() {
    super('admin_unauthorized', 401, {
      en: 'The operator API needs "Authorization: Bearer <ADMIN_TOKEN>" with the right token.',
      ja: '運用者 API には正しいトークンを「Authorization: Bearer <ADMIN_TOKEN>」で指定してください。',
    });
  }
}
