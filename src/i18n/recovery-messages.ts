// Texts of the lost-phone recovery pages (/recovery) and the link to them on the sign-in page.
export const recoveryJa = {
  'recovery.login_link': 'スマートフォンを紛失してログインできない場合',
  'recovery.title': 'アカウントの復旧を申請',
  'recovery.lead': 'スマートフォンを紛失し、ほかの方法でもログインできない場合は、ここから復旧を申請してください。担当者が内容を確認し、承認した場合は、アカウントに登録済みの連絡先へ新しいパスキーを登録するためのリンクをお送りします。',
  'recovery.account_id': 'アカウント ID（ログインに使うメールアドレス）',
  'recovery.contact_email': '連絡先メールアドレス',
  'recovery.contact_mobile': '連絡先の携帯電話番号',
  'recovery.contacts_hint': 'どちらか一方は必ず入力してください。アカウントに登録された連絡先と照合します。',
  'recovery.message': '状況の説明',
  'recovery.message_hint': 'いつ、どのようにスマートフォンを失ったかなど、本人確認に役立つことを書いてください（2000 文字まで）。',
  'recovery.submit': '復旧を申請する',
  'recovery.sent_title': '申請を受け付けました',
  'recovery.sent_lead': '担当者が内容を確認します。承認された場合は、アカウントに登録済みの連絡先にご案内をお送りします。このページを閉じてもかまいません。',
  'recovery.home': 'トップページへ',
} as const;

export const recoveryEn: Record<keyof typeof recoveryJa, string> = {
  'recovery.login_link': 'Lost your phone and cannot sign in?',
  'recovery.title': 'Ask to recover your account',
  'recovery.lead': 'If your phone is lost and no other way of signing in works, ask for recovery here. An operator reviews the request; if they approve it, a link to register a new passkey is sent to the contact details already registered with your account.',
  'recovery.account_id': 'Account ID (the e-mail address you sign in with)',
  'recovery.contact_email': 'Contact e-mail address',
  'recovery.contact_mobile': 'Contact mobile number',
  'recovery.contacts_hint': 'Give at least one of them. They are compared with the contact details registered with your account.',
  'recovery.message': 'What happened',
  'recovery.message_hint': 'When and how you lost your phone, and anything else that helps us recognise you (up to 2000 characters).',
  'recovery.submit': 'Ask for recovery',
  'recovery.sent_title': 'Request received',
  'recovery.sent_lead': 'An operator will review it. If it is approved, we will write to the contact details registered with your account. You can close this page.',
  'recovery.home': 'Home',
};
