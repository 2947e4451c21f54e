// The text of every error tobira answers with, by error code. This file defines the codes: an
// error declared with E(code, status) must have its text here, and every other language must
// translate every code (i18n/en/errors.ts is typed from this file). A text that needs values is a
// function of them; the values' types are declared here, once.
import type { Localized } from '../lang.ts';

/** Store fields a duplicate can be found on, as a Japanese reader calls them. */
const FIELD: Readonly<Record<string, string>> = { email: 'メールアドレス', credentialId: 'パスキー', tokenHash: 'ブラウザ', id: 'ID', client_id: 'client_id' };

export const errors = {
  // The HTTP edge
  csrf_failed: 'このフォームは期限切れか、tobira から送信されたものではありません。前のページに戻り、再読み込みしてからやり直してください。',
  interaction_expired: 'このログイン手続きは期限切れか無効です。利用していたサービスに戻り、最初からやり直してください。',
  activation_expired: 'このコード入力画面は期限切れか無効です。/activate を開き直して、テレビに表示されたコードをもう一度入力してください。',
  internal_error: 'システムでエラーが発生しました。もう一度お試しください。',
  name_control_characters: '名前に制御文字（改行、タブ、文字の向きを変える記号など）は使えません。取り除いてからもう一度入力してください。',
  invalid_input: (p: { field?: string | undefined }) => p.field ? `「${p.field}」の入力内容を確認してください。` : 'リクエストを読み取れませんでした。入力内容を確認してください。',
  not_found: 'このページは存在しません。',
  payload_too_large: 'リクエストが大きすぎます。',
  // The store (no HTTP status: the edge gives one)
  already_consumed: 'このコードまたはトークンはすでに使用されています。',
  duplicate_key: (p: { field: string }) => `この${FIELD[p.field] ?? p.field}はすでに使われています。`,
  revision_conflict: (p: { revision: number }) => `読み込んだ後に別の変更が保存されています（現在のリビジョン: ${p.revision}）。読み込み直してから変更してください。`,
  store_unavailable: 'ただいまサービスをご利用いただけません。しばらくしてから再度お試しください。',
  // Configuration
  config_invalid: (p: { setting: string; problem: Localized }) => `${p.setting}: ${p.problem.ja}`,
  // Accounts
  account_not_found: 'アカウントが存在しません。',
  email_taken: 'このメールアドレスのアカウントはすでに存在します。ログインしてください。',
  invalid_credentials: 'メールアドレスまたはパスワードが正しくありません。',
  sign_in_throttled: (p: { retryAfterSeconds: number }) => `パスワードの入力が多すぎるため、しばらくパスワードではログインできません。約 ${Math.ceil(p.retryAfterSeconds / 60)} 分後にやり直すか、パスキーまたはスマートフォンへの通知でログインしてください。パスワードを忘れた場合は、パスワードをリセットすると再びログインできます。`,
  passkey_required: 'このサービスではパスワードではなく、パスキー（生体認証・画面ロック）でのログインが必要です。',
  stronger_sign_in_required: 'このサービスではパスワードではなく、パスキー、またはスマートフォンでの承認（画面の6桁の番号を入力）によるログインが必要です。',
  weak_password: (p: { guessable?: Localized | undefined }) => p.guessable ? `このパスワードは推測されやすいため使えません。${p.guessable.ja}`.trim() : 'パスワードは 12 文字以上にしてください。',
  // The account menu
  not_signed_in: '先にログインしてください。',
  passkey_reauthentication_required: 'セキュリティのため、この変更の前にパスキー（生体認証・画面ロック）でもう一度ログインしてください。',
  reauthentication_required: 'セキュリティのため、この変更の前に本人確認（再ログイン）をしてください。',
  service_not_connected: 'このサービスはあなたのアカウントと連携していません。',
  // Always passkey
  always_passkey_not_on: 'このアカウントの「いつもパスキー設定」はオンになっていません。',
  always_passkey_on: 'このアカウントは「いつもパスキー設定」がオンです。パスワードではログインできず、パスキー（生体認証・画面ロック）またはスマートフォンへの通知でのみログインできます。リセットするパスワードもありません。パスワードを再び使うには、パスキーでログインしてアカウント画面（/account）で新しいパスワードを設定し、「いつもパスキー設定」をオフにしてください。',
  confirmation_required: '「いつもパスキー設定」をオンにする前に、変わる点を確認したことにチェックしてください。',
  new_password_required: '「いつもパスキー設定」をオフにするには新しいパスワードが必要です。入力してください。',
  password_dependent_client: (p: { client: string }) => `${p.client} はパスワードでのみ利用できるサービスですが、このアカウントは「いつもパスキー設定」がオンのためパスワードがありません。オンの間、このアカウントでは ${p.client} を利用できません。`,
  phone_required: '「いつもパスキー設定」は、ログインに使うスマートフォン（パスキーを登録し、通知を許可したもの）を設定した後でのみオンにできます。先にスマートフォンで /device を開いて設定してください。',
  // Passkeys
  challenge_expired: 'このパスキーの要求は期限切れか、すでに使用されています。もう一度お試しください。',
  passkey_counter_regression: 'このパスキーは複製された認証器の可能性があるため、拒否しました。サポートにお問い合わせください。',
  invalid_webauthn_response: 'パスキーの応答を読み取れませんでした。もう一度お試しください。',
  last_sign_in_method: 'アカウントにログインする最後の手段のため削除できません。先に別のパスキーを追加してください。',
  passkey_account_mismatch: 'このパスキーは別のアカウントのものです。',
  passkey_already_registered: 'このパスキーはすでに登録されています。',
  passkey_not_found: 'アカウントにそのパスキーはありません。',
  passkey_verification_failed: 'パスキーを確認できませんでした。もう一度お試しください。',
  unknown_passkey: 'このパスキーは tobira に登録されていません（削除された可能性があります）。別のパスキーを選ぶか、別の方法でログインしてください。',
  // Trusted browsers
  trusted_browser_not_found: 'アカウントにその信頼済みブラウザはありません。',
  // Phones (devices)
  device_not_found: 'アカウントにそのスマートフォンはありません。',
  notifications_required: '通知を許可しないとこのスマートフォンを設定できません。tobira の通知を許可してから、もう一度お試しください（iPhone の場合は、まず tobira をホーム画面に追加し、「設定」→「通知」で許可してください）。',
  // Contacts
  code_not_delivered: '確認コードを送信できませんでした。宛先を確認して、しばらくしてからもう一度お試しください。',
  contact_email_invalid: 'メールアドレスの形式が正しくありません。確認してください。',
  contact_not_set: 'この連絡先は登録されていません。',
  mobile_number_invalid: '電話番号が正しくありません。090-1234-5678 のように、または + と国番号から入力してください。',
  not_a_mobile_number: '携帯電話の番号ではありません。確認コードは SMS で送るため、携帯電話番号を入力してください。',
  too_many_codes: '確認コードの送信回数が多すぎます。1 時間ほど待ってからやり直してください。',
  // One-time codes
  code_expired: 'コードの有効期限が切れているか、すでに使用されています。新しいコードを送信してください。',
  code_invalid: 'コードが正しくありません。確認してもう一度入力してください。',
  mail_budget_spent: (p: { retryAfterSeconds: number }) => `このメールアドレスへのコードの送信が多すぎます。すでに届いたコードがあればそれを使うか、約 ${Math.ceil(p.retryAfterSeconds / 60)} 分後にやり直してください。`,
  signup_password_tries_spent: (p: { retryAfterSeconds: number }) => `パスワードの試行が多すぎます。約 ${Math.ceil(p.retryAfterSeconds / 60)} 分後にもう一度お試しください。`,
  too_many_attempts: '誤ったコードの入力が多すぎたため、このコードは使えなくなりました。新しいコードを送信してください。',
  // Web Push
  invalid_push_subscription: 'このブラウザーのプッシュ通知の登録情報を読み取れませんでした。通知を許可して、もう一度お試しください。',
  push_delivery_failed: 'スマートフォンに通知を送れませんでした。しばらくしてから、もう一度お試しください。',
  push_endpoint_not_allowed: 'このブラウザーは tobira が通知を送らないプッシュサービスを使っています。別のブラウザーをお使いください。',
  // Sign-up
  signup_step_missing: '最初から登録をやり直してください。',
  // Push approval
  approval_decided: 'このログイン要求はすでに応答済みか、期限切れです。',
  approval_not_approved: 'スマートフォンでログイン要求が承認されていません。',
  approval_not_found: 'このログイン要求は存在しないか、期限切れです。',
  approval_used: 'この承認はすでにログインに使われました。もう一度ログインしてください。',
  push_rate_limited: '1 時間あたりのスマートフォンへのログイン要求が多すぎます。時間をおくか、パスキーでログインしてください。',
  enrolled_passkey_unusable: 'さきほど登録したパスキーでは、このスマートフォンを設定できません（時間が経ったか、別のアカウントでログインしています）。もう一度「このスマートフォンを設定する」を押して、パスキーで確認してください。',
  device_required: 'ログイン要求に応答できるのは、このアカウントに設定済みのスマートフォンだけです。',
  push_blocked: 'このアカウントでは、しばらくの間スマートフォンへの通知によるログインを停止しています。パスキーでログインしてください。',
  push_paused: 'スマートフォンで違う番号が選ばれたため、このブラウザからのスマートフォン通知によるログインをしばらく停止しています。パスキーでログインするか、以前に使ったことのあるブラウザからログインしてください。',
  too_many_pending: 'スマートフォンで応答待ちのログイン要求がすでに複数あります。応答するか、期限切れになるまでお待ちください。',
  wrong_number: 'ログイン画面に表示された番号と違います。安全のため、この要求は拒否されました。しばらくの間、スマートフォン通知によるログインは以前に使ったことのあるブラウザからのみ受け付けます。',
  // Phone change
  recovery_throttled: 'この場所からの復旧申請が多すぎます。1 時間ほど待ってからやり直してください。',
  phone_change_rate_limited: 'このアカウントの確認コードの送信が多すぎます。1 時間ほど待ってからやり直してください。',
  phone_change_step_missing: 'このブラウザで進行中の機種変更の手続きがないか、期限が切れました。最初からやり直してください。',
  // Enrolment links
  enrolment_link_invalid: 'このリンクは使用できません。すでに使用されたか、有効期限が切れているか、リンクが不完全です。機種変更の手続きを最初からやり直すか、新しいリンクを依頼してください。',
  phone_handoff_invalid: 'このコードまたはリンクは使用できません。入力の誤り、使用済み、または有効期限切れです。パソコンの「アカウント」→「スマートフォン」で新しいコードを表示して、もう一度お試しください。',
  phone_handoff_rate_limited: 'コードの入力が多すぎます。しばらく待ってから、パソコンに表示されたコードをもう一度入力してください。',
  phone_handoff_starts_limited: 'この 1 時間にコードを表示した回数が上限に達しました。しばらく待ってからお試しください。',
  // Recovery
  contact_required: 'アカウントの情報と照合するため、連絡先のメールアドレスか携帯電話番号を入力してください。',
  control_characters: '制御文字（エスケープや復帰など）は使えません。通常の文字、改行、タブだけで入力してください。',
  recovery_account_unknown: 'この復旧申請に該当するアカウントがないため、登録用リンクを送れません。却下してください。',
  recovery_enrolment_not_used: 'この申請の登録用リンクはまだ使われていないため、完了処理はできません。',
  recovery_new_passkey_gone: '登録用リンクで登録されたパスキーがアカウントにありません。ほかのパスキーを削除するとログインできなくなるおそれがあるため、何も変更していません。',
  recovery_no_verified_contact: 'このアカウントには確認済みの連絡先（確認済みのメールアドレスや携帯電話番号）がないため、登録用リンクを安全に送れません。申請は未処理のままです。却下するか、別の方法で対応してください。',
  recovery_not_completable: (p: { state: string }) => `完了処理ができるのは、承認済みで登録用リンクが使われた申請だけです（この申請の状態: ${p.state}）。`,
  recovery_request_decided: (p: { state: string }) => `この復旧申請はすでに処理済みです（状態: ${p.state}）。`,
  recovery_request_not_found: 'この ID の復旧申請はありません。',
  recovery_completion_failed: (p: { steps: readonly string[] }) => `登録後の後処理が再び失敗しました（${p.steps.join(', ')}）。実行できた手順は実行済みです。原因は tobira のログと監査ログ（recovery.completion_failed）にあります。原因を取り除いてから、もう一度完了処理を実行してください。`,
  // Operators and user accounts (the console and the operator API)
  account_disabled: 'このアカウントでは現在ログインできません。お心当たりがない場合は、サービスのサポート窓口にお問い合わせください。',
  account_already_disabled: 'このアカウントはすでに無効になっています。',
  account_not_disabled: 'このアカウントは無効になっていません。',
  account_disable_self: '自分のアカウントは無効にできません。別の管理者に依頼してください。',
  account_lookup_invalid: 'メールアドレスかアカウント ID を入力してください。',
  account_lookup_none: 'このメールアドレスまたは ID のアカウントはありません。',
  audit_query_invalid: (p: { field: string }) => `監査ログの検索条件が不正です（${p.field}）。`,
  // The operator API
  admin_unauthorized: '運用者 API には、有効な個人トークン（コンソールで作成。最初の管理者ができるまでは ADMIN_TOKEN）を「Authorization: Bearer <トークン>」で指定するか、コンソールにパスキーでログインしてください。',
  client_not_found: 'この client_id のクライアントはありません。',
  client_exists: (p: { clientId: string }) => `client_id「${p.clientId}」はすでに登録されています。`,
  client_managed_by_file: (p: { clientId: string }) => `クライアント「${p.clientId}」はクライアントファイル（CLIENTS_FILE）または tobira 自身が管理しています。API や CLI では変更できません。ファイルを編集して再起動してください。`,
  client_revision_conflict: (p: { revision: number }) => `このクライアントは読み込んだ後に変更されています（現在のリビジョン: ${p.revision}）。読み込み直してから、変更をやり直してください。`,
  invalid_client_metadata: (p: { field: string; detail: string }) => `クライアントの登録内容が不正です（${p.field}）: ${p.detail}`,
  client_secret_key_missing: 'この認証方式やアルゴリズム（client_secret_jwt や HS256 など）にはシークレットそのものが必要です。暗号化して保存するため、CLIENT_SECRET_KEY を設定してください。',
  client_secret_must_rotate: 'この変更には新しいシークレットが必要です。"rotateSecret": true（CLI では --rotate-secret）を付けてやり直してください。パートナーは新しいシークレットを使う必要があります。',
  client_has_no_secret: 'このクライアントはシークレットを使いません（token_endpoint_auth_method が none または private_key_jwt）。',
  // Signing keys (oidc/signing-key-lifecycle.ts)
  signing_keys_from_file: '署名鍵は SIGNING_KEYS_FILE から読み込まれています。鍵を変えるにはファイルを編集して再起動してください（鍵のライフサイクル操作は、tobira がストアに保管する鍵にだけ使えます）。',
  signing_key_not_found: (p: { kid: string }) => `kid「${p.kid}」の署名鍵はありません（削除済みかもしれません）。`,
  signing_key_next_exists: (p: { kid: string }) => `次の署名鍵（${p.kid} ほか）がすでにあります。昇格させるか、退役させてから作り直してください。`,
  signing_key_no_next: '次の署名鍵がありません。先に generate で作成し、JWKS に公開されるのを待ってから昇格させてください。',
  signing_key_too_early: (p: { kid: string; at: string }) => `次の署名鍵 ${p.kid} はまだ JWKS に十分長く公開されていません。パートナーのキャッシュが新しい鍵を知るよう、${p.at} 以降に昇格させてください。`,
  signing_key_is_current: (p: { kid: string }) => `${p.kid} は現在の署名鍵で、いまトークンに署名しています。退役させるには、次の鍵を昇格させてください（現在の鍵はそのとき自動で退役します）。`,
  signing_key_already_retired: (p: { kid: string; at: string }) => `${p.kid} はすでに退役しており、${p.at} に JWKS から外れます。それより早く外すには immediately（CLI では --now）を付けてください。その鍵で署名されたトークンは検証できなくなります。`,
  signing_keys_busy: '署名鍵が同時に別の操作で変更されました。一覧を読み込み直してから、もう一度お試しください。',
  admin_token_retired: 'ADMIN_TOKEN は最初の管理者を作るためだけのものです。管理者がいる今は使えません。コンソールでログインするか、コンソールで作成した個人トークンを使ってください（ADMIN_TOKEN_AFTER_BOOTSTRAP で許可できます）。',
  operator_forbidden: (p: { scope: string }) => `この操作（${p.scope}）は、あなたの役割またはトークンの範囲では行えません。`,
  operator_account_not_found: 'このメールアドレスの tobira アカウントはありません。先にアカウントを作成してもらってください。',
  operator_last_admin: '最後の管理者の役割は外せません。先に別のアカウントを管理者にしてください。',
  operator_token_not_found: 'このトークンはないか、すでに取り消されています。',
  operator_token_scope: (p: { scope: string }) => p.scope ? `範囲「${p.scope}」は、あなたの役割では付けられません。` : '範囲を 1 つ以上選んでください。',
  operator_token_name: 'トークンの名前を 1〜64 文字で入力してください。',
};

export type ErrorTexts = typeof errors;
