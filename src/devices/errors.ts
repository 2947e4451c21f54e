import { AppError } from '../errors/app-error.ts';

export class NotificationsRequiredError extends AppError {
  constructor() {
    super('notifications_required', 400, {
      en: 'This phone cannot be set up without notifications. Allow notifications for tobira (on iPhone: add tobira to the Home Screen first, then allow it in Settings → Notifications) and try again.',
      ja: '通知を許可しないとこのスマートフォンを設定できません。tobira の通知を許可してから、もう一度お試しください（iPhone の場合は、まず tobira をホーム画面に追加し、「設定」→「通知」で許可してください）。',
    });
  }
}

export class DeviceNotFoundError extends AppError {
  constructor() {
    super('device_not_found', 404, { en: 'There is no such phone in your account.', ja: 'アカウントにそのスマートフォンはありません。' });
  }
}
