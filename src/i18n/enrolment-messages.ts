// Texts of the enrolment link's page (recovery and phone change).
export const enrolmentJa = {
  'enrol.title': 'このスマートフォンにパスキーを登録',
  'enrol.lead_phone_change': '機種変更の確認ができました。この新しいスマートフォンにパスキーを登録してください。',
  'enrol.lead_recovery': 'アカウントの復旧が承認されました。お手元のスマートフォンにパスキーを登録してください。',
  'enrol.step_passkey': 'このスマートフォンの生体認証・画面ロックでパスキーを登録します。',
  'enrol.step_sign_in': '登録したパスキーでログインします。',
  'enrol.step_device': 'このスマートフォンをログイン承認用（通知）に設定します。',
  'enrol.once': 'このリンクは一度だけ、有効期限内に使えます。',
  'enrol.button': 'パスキーを登録する',
  'enrol.done': 'パスキーを登録しました。ログイン画面に移動します…',
  'enrol.incomplete': 'このリンクは不完全です。届いたリンクを「#」以降も含めてそのまま開くか、機種変更の手続きを最初からやり直してください。',
} as const;

export const enrolmentEn: Record<keyof typeof enrolmentJa, string> = {
  'enrol.title': 'Register a passkey on this phone',
  'enrol.lead_phone_change': 'Your phone change is confirmed. Register a passkey on this new phone.',
  'enrol.lead_recovery': 'Your account recovery was approved. Register a passkey on the phone you have with you.',
  'enrol.step_passkey': 'Register a passkey with this phone\'s biometrics or screen lock.',
  'enrol.step_sign_in': 'Sign in with the new passkey.',
  'enrol.step_device': 'Set this phone up to approve sign-ins (notifications).',
  'enrol.once': 'This link works once, and only until it expires.',
  'enrol.button': 'Register a passkey',
  'enrol.done': 'Your passkey is registered. Taking you to sign in…',
  'enrol.incomplete': 'This link is incomplete. Open the link exactly as you received it, including the part after "#", or start the phone change again.',
};
