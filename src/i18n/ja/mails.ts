// Every mail, SMS and security notice tobira sends, as a named template of the values it needs.
// This file defines the templates and their values: every other language must have each of them
// (i18n/en/mails.ts is typed from this file), so a missing translation does not compile. The
// modules that send them (flows/*/mails.ts, contacts/contact-mails.ts, ...) choose the template,
// the language and the recipient.

/** A mail's subject and body. */
export interface MailText {
  subject: string;
  text: string;
}

/** A security notice: a mail to every address of the account and a short SMS. */
export interface NoticeText extends MailText {
  sms: string;
}

export type ContactKindName = 'email' | 'mobile';
export type ContactAction = 'added' | 'changed' | 'removed';
export type SignInMethodName = 'password' | 'passkey' | 'push';

/** The values of a code sent by mail or SMS. */
export interface CodeValues {
  code: string;
  minutes: number;
}

/** What the new-sign-in notice tells (`at` and `place` formatted for the reader). */
export interface SignInValues {
  at: string;
  service: string;
  browser: string;
  /** The IP address and the place, joined by the caller. */
  where: string;
  method: SignInMethodName;
  accountUrl: string;
}

/** What the recovery completion notice tells. */
export interface RecoveredValues {
  passwordRemoved: boolean;
  email: string;
  contactEmail: string | null;
  contactMobile: string | null;
}

const PHONE_IF_NOT_YOU = 'お心当たりがない場合は、すぐにアカウントメニュー（/account）でこのスマートフォンとパスキーを削除してください。ログインできない場合は、アカウントの復旧を申請してください。';

const CONTACT_KIND: Readonly<Record<ContactKindName, string>> = { email: '連絡用メールアドレス', mobile: '連絡用携帯電話番号' };

const SIGN_IN_METHOD: Readonly<Record<SignInMethodName, string>> = { password: 'パスワード', passkey: 'パスキー', push: 'スマートフォンへの通知' };

export const mails = {
  // Sign-up
  signupCode: (p: CodeValues): MailText => ({ subject: `tobira 確認コード: ${p.code}`, text: `tobira のアカウント登録の確認コードは ${p.code} です。\n${p.minutes} 分以内に入力してください。\n\nお心当たりがない場合は、このメールを破棄してください。\n` }),
  /** Sent instead of a code when the address already has an account, so the page reveals nothing. */
  alreadyRegistered: (): MailText => ({ subject: 'tobira: あなたのメールアドレスで新規登録が試みられました', text: 'すでに tobira アカウントがあるこのメールアドレスで、新しいアカウントの登録が試みられました。新しいアカウントは作られず、確認コードも送っていません。\nご本人の場合は、新規登録ではなくログインしてください（パスワードを忘れた場合はパスワードを再設定してください）。\n\nお心当たりがない場合は、このメールを破棄してください。アカウントは変わっていません。\n' }),

  // Push approval: after "This wasn't me" on the phone (`where`: browser, IP address and place, joined).
  pushReported: (p: { client: string; where: string; time: string }): MailText => ({ subject: 'tobira: 心当たりのないログイン要求を拒否しました', text: `「${p.client}」へのログイン要求（${p.where}、${p.time}）を、あなたの操作で拒否しました。\nしばらくの間、スマートフォンへの通知によるログインを停止しています。パスキーでは引き続きログインできます。\n` }),
  /** The phone that opened a phone set-up code from the owner's PC said it did not expect it. */
  handoffRefused: (p: { where: string }): MailText => ({ subject: 'tobira: スマートフォンの設定が「心当たりがない」として取り消されました', text: `あなたのパソコンで表示したスマートフォン設定用のコードが、別のスマートフォン（${p.where}）で開かれ、そのスマートフォンで「心当たりがない・取り消す」が選ばれました。スマートフォンは設定されていません。\nご自身の操作でなければ、パソコンの画面やコードを他人に見られた可能性があります。アカウント画面（/account）で、ログイン中のブラウザとスマートフォンを確認してください。\n` }),
  pushWrongNumber: (p: { client: string; where: string; time: string; minutes: number }): MailText => ({ subject: 'tobira: スマートフォンで違う番号が選ばれたため、ログイン要求を拒否しました', text: `「${p.client}」へのログイン要求（${p.where}、${p.time}）に、スマートフォンで画面と違う番号が選ばれた（または入力された）ため、要求を拒否しました。\nご自身のログインでなければ、誰かがあなたのメールアドレスでログインしようとしています。心当たりのない要求は承認しないでください。\nこれから${p.minutes}分間、スマートフォンへの通知によるログインは、以前に使ったことのあるブラウザからのみ受け付けます。パスキーでは引き続きログインできます。\n` }),

  // Password reset
  resetCode: (p: CodeValues): MailText => ({ subject: `tobira パスワード再設定コード: ${p.code}`, text: `tobira のパスワード再設定の確認コードは ${p.code} です。\n${p.minutes} 分以内に入力してください。\n\nお心当たりがない場合は、このメールを破棄してください。パスワードは変わりません。\n` }),
  /** Sent instead of a code to an always-passkey account: it has no password to reset. */
  resetOff: (): MailText => ({ subject: 'tobira: パスワードの再設定はできません（いつもパスキー設定）', text: 'パスワードの再設定が依頼されましたが、このアカウントは「いつもパスキー設定」がオンのため、パスワードがなく、再設定もできません。パスキー（生体認証・画面ロック）またはスマートフォンへの通知でログインしてください。\nパスワードを使いたい場合は、パスキーでログインしてアカウント画面で「いつもパスキー設定」をオフにしてください（新しいパスワードを設定します）。\n\nお心当たりがない場合は、このメールを破棄してください。\n' }),
  passwordChanged: (): NoticeText => ({
    subject: 'tobira: パスワードを再設定しました',
    text: 'あなたの tobira アカウントのパスワードがメールの確認コードで再設定されました。安全のため、すべての端末でログアウトし、連携サービスのトークンも無効にしました。\n\nお心当たりがない場合は、すぐにパスキーでログインしてアカウントを確認してください。\n',
    sms: 'tobira: パスワードが再設定されました。心当たりがない場合はすぐにアカウントを確認してください。',
  }),

  // Phone change
  phoneChangeCode: (p: CodeValues): MailText => ({ subject: `tobira 機種変更の確認コード: ${p.code}`, text: `tobira の機種変更の確認コードは ${p.code} です。\n${p.minutes} 分以内に、新しいスマートフォンの画面に入力してください。SMS でも別のコードを送っています。\n\nお心当たりがない場合は入力しないでください。誰かがあなたのアカウントを別のスマートフォンに移そうとしています。\n` }),
  phoneChangeCodeSms: (p: CodeValues): string => `tobira 機種変更の確認コード: ${p.code}（${p.minutes} 分間有効）。お心当たりがなければ入力しないでください。`,
  /** After a phone was set up to approve sign-ins (device.added). */
  newPhone: (p: { phone: string; when: string }): NoticeText => ({
    subject: 'tobira: 新しいスマートフォンが設定されました',
    text: `あなたの tobira アカウントで、スマートフォン「${p.phone}」がログイン承認用に設定されました（${p.when}）。\n\n${PHONE_IF_NOT_YOU}\n`,
    sms: `tobira: スマートフォン「${p.phone}」がログイン承認用に設定されました。お心当たりがなければアカウントメニューで削除してください。`,
  }),
  /** After a passkey was registered through a phone change's enrolment link. */
  phoneChangePasskey: (p: { when: string }): NoticeText => ({
    subject: 'tobira: 機種変更で新しいパスキーが登録されました',
    text: `連絡先メールアドレスと連絡先携帯電話番号の確認コードによる機種変更で、あなたの tobira アカウントに新しいスマートフォンのパスキーが登録されました（${p.when}）。\n\n${PHONE_IF_NOT_YOU}\n`,
    sms: 'tobira: 機種変更で新しいパスキーが登録されました。お心当たりがなければアカウントメニューで削除してください。',
  }),
  /** After a passkey was added in the account menu. */
  passkeyAdded: (p: { passkey: string; when: string }): NoticeText => ({
    subject: 'tobira: 新しいパスキーが登録されました',
    text: `あなたの tobira アカウントに、パスキー「${p.passkey}」が登録されました（${p.when}）。\n\nお心当たりがない場合は、すぐにアカウントメニュー（/account）でこのパスキーを削除し、パスワードを再設定してください。ログインできない場合は、アカウントの復旧を申請してください。\n`,
    sms: `tobira: パスキー「${p.passkey}」が登録されました。お心当たりがなければアカウントメニューで削除してください。`,
  }),
  /** After the sign-in address was proven for the first time, which removed what had been added before. */
  emailProven: (p: { removed: boolean }): NoticeText => ({
    subject: 'tobira: メールアドレスが確認されました',
    text: `あなたの tobira アカウントのメールアドレスが確認されました。${p.removed ? '\n確認の前に登録されていたパスキー、スマートフォン、信頼済みブラウザ、連絡先はすべて削除しました。アドレスを受け取れない誰かが、このアカウントを先に作って使っていたおそれがあるためです。必要なものは、いまログインしてから登録し直してください。' : ''}\n\nお心当たりがない場合は、すぐにパスワードを再設定してください。\n`,
    sms: 'tobira: アカウントのメールアドレスが確認されました。',
  }),
  /** After a phone was removed in the account menu. */
  phoneRemoved: (p: { phone: string }): NoticeText => ({
    subject: 'tobira: スマートフォンを削除しました',
    text: `tobira アカウントからスマートフォン「${p.phone}」とそのパスキーを削除しました。\n安全のため、この操作をしたブラウザを含むすべてのログイン中のセッション、連携サービスのトークン、信頼済みブラウザを無効にしました。\nお心当たりがない場合は、すぐにサポートへご連絡ください。\n`,
    sms: `tobira: スマートフォン「${p.phone}」を削除し、すべてのログインを無効にしました。心当たりがなければサポートへ。`,
  }),

  // Contacts
  contactCode: (p: CodeValues): MailText => ({ subject: `tobira 確認コード: ${p.code}`, text: `tobira の連絡用メールアドレスを確認するためのコードは ${p.code} です。\n${p.minutes} 分以内にアカウント画面で入力してください。このコードを誰にも教えないでください。\n\nお心当たりがない場合は、このメールを破棄してください。\n` }),
  contactCodeSms: (p: CodeValues): string => `tobira 確認コード: ${p.code}（${p.minutes} 分間有効）。誰にも教えないでください。`,
  /** To the addresses the account had before a contact was added, changed or removed (`masked`: the new value, masked). */
  contactChanged: (p: { kind: ContactKindName; action: ContactAction; masked: string; at: string; accountUrl: string }): NoticeText => {
    const what = CONTACT_KIND[p.kind];
    const headline = { added: `${what}が登録されました`, changed: `${what}が変更されました`, removed: `${what}が削除されました` }[p.action];
    const detail = p.action === 'removed' ? '' : `（新しい${what}: ${p.masked}）`;
    return {
      subject: `tobira: ${headline}`,
      text: `tobira アカウントの${headline}${detail}。日時: ${p.at}\n\nお心当たりがない場合は、すぐに ${p.accountUrl} でログイン履歴・信頼済みブラウザ・連絡先を確認し、パスキーやパスワードを見直してください。\n`,
      sms: `tobira: ${headline}。心当たりがなければ ${p.accountUrl} を確認してください。`,
    };
  },

  // Sign-in
  /** The IP address and the place of a sign-in, as one phrase. */
  signInWhere: (p: { ip: string; place: string }): string => [p.ip, p.place].filter(Boolean).join('、'),
  newSignIn: (p: SignInValues): NoticeText => ({
    subject: 'tobira: 新しいブラウザからログインがありました',
    text: [
      'あなたの tobira アカウントに、これまで信頼済みでなかったブラウザからログインがありました。',
      '',
      `日時: ${p.at}`,
      `サービス: ${p.service}`,
      `ブラウザ: ${p.browser}`,
      `IP アドレス・場所: ${p.where}`,
      `方法: ${SIGN_IN_METHOD[p.method]}`,
      '',
      'ご自身のログインであれば、対応は不要です。',
      `お心当たりがない場合は、すぐに ${p.accountUrl} を開き、ログイン履歴を確認して、信頼済みブラウザと連携中のサービスを解除し、パスワードを変更するか「いつもパスキー設定」をオンにしてください。`,
      '',
    ].join('\n'),
    sms: `tobira: 新しいブラウザ（${p.browser}）から${p.service}にログインがありました。心当たりがなければ ${p.accountUrl} を確認してください。`,
  }),

  // Always passkey
  alwaysPasskeyOn: (p: { revokedServices: readonly string[] }): NoticeText => {
    const services = p.revokedServices.join('、');
    return {
      subject: 'tobira: 「いつもパスキー設定」をオンにしました',
      text: 'あなたの tobira アカウントの「いつもパスキー設定」がオンになりました。パスワードは削除され、今後はパスキー（生体認証・画面ロック）またはスマートフォンへの通知でのみログインできます。\n'
        + (services ? `パスワードが必要なサービス（${services}）との連携は解除しました。\n` : '')
        + '\nお心当たりがない場合は、すぐにパスキーでログインしてアカウントを確認してください。\n',
      sms: 'tobira: 「いつもパスキー設定」がオンになりました。心当たりがない場合はすぐにアカウントを確認してください。',
    };
  },
  alwaysPasskeyOff: (): NoticeText => ({
    subject: 'tobira: 「いつもパスキー設定」をオフにしました',
    text: 'あなたの tobira アカウントの「いつもパスキー設定」がオフになり、新しいパスワードが設定されました。パスワードでもログインできるようになりました。\n\nお心当たりがない場合は、すぐにパスキーでログインしてアカウントを確認してください。\n',
    sms: 'tobira: 「いつもパスキー設定」がオフになり、パスワードが設定されました。心当たりがない場合はすぐにアカウントを確認してください。',
  }),

  // Recovery. The link and the request notice go out in Japanese first, then English (nobody knows
  // the reader's language): these templates are one half each, joined in flows/recovery/mails.ts.
  recoveryLink: (p: { link: string; hours: number }): MailText => ({
    subject: 'tobira: アカウント復旧のご案内',
    text: `tobira アカウントの復旧申請が承認されました。\n次のリンクを新しいスマートフォンで開き、パスキーを登録してください（${p.hours} 時間有効、1 回のみ使用できます）。\n\n${p.link}\n\n登録が終わると、それまでのパスキー、スマートフォン、ログイン中のセッション、信頼済みブラウザはすべて無効になります。\nお心当たりがない場合は、このリンクを開かずにサポートへご連絡ください。\n`,
  }),
  recoveryLinkSms: (_p: { link: string; hours: number }): string => 'tobira: アカウント復旧用リンク',
  recoveryRequested: (): NoticeText => ({
    subject: 'tobira: アカウント復旧の申請がありました',
    text: 'あなたの tobira アカウントについて、スマートフォン紛失による復旧の申請がありました。担当者が内容を確認します。\nご自身で申請した場合は、このメールへの対応は不要です。お心当たりがない場合は、サポートへご連絡ください。\n',
    sms: 'tobira: アカウント復旧の申請がありました。心当たりがなければサポートへ。',
  }),
  recoveryCompleted: (p: RecoveredValues): NoticeText => ({
    subject: 'tobira: アカウントを復旧しました',
    text: [
      'tobira アカウントの復旧が完了し、新しいパスキーが登録されました。',
      'それまでのパスキーとスマートフォンは削除され、すべてのログイン中のセッション、連携サービスのトークン、信頼済みブラウザは無効になりました。',
      ...(p.passwordRemoved ? ['アカウントのパスワードも削除しました（スマートフォンを手にした人が設定した可能性があるためです）。新しいパスキーでログインしてください。'] : []),
      '',
      'スマートフォンを手にした人が連絡先を変更した可能性があります。いまアカウントに登録されている連絡先を確認してください。',
      `  ログイン用メールアドレス: ${p.email}`,
      `  連絡先メールアドレス: ${p.contactEmail ?? 'なし'}`,
      `  連絡先の携帯電話番号: ${p.contactMobile ?? 'なし'}`,
      '心当たりのない連絡先があれば、アカウントメニューで変更してください。',
      '',
      'お心当たりがない場合は、すぐにサポートへご連絡ください。',
      '',
    ].join('\n'),
    sms: `tobira: アカウントを復旧しました。${p.passwordRemoved ? 'パスワードは削除しました。' : ''}登録されている連絡先を確認してください。心当たりがなければすぐにサポートへご連絡ください。`,
  }),
};

export type MailTemplates = typeof mails;
