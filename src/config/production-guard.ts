import { ConfigError } from './config-error.ts';
import type { Settings } from './settings.ts';

/** What assertProductionReady refuses, as docs/configuration.md states it (Markdown). */
export const PRODUCTION_CHECKS_DOC = 'With `NODE_ENV=production` tobira refuses to start on the memory store (`MONGODB_URI`), on '
  + 'generated secrets unless `ALLOW_GENERATED_SECRETS=true` (`COOKIE_KEYS`, `SIGNING_KEYS_FILE`), without a mail server '
  + '(`SMTP_URL`), without an SMS hook (`SMS_HOOK_URL`), and on an `http:` issuer that is not localhost (`ISSUER`).';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * With NODE_ENV=production, refuse the conveniences that are only safe on a developer's machine.
 * Each refusal names the setting to change.
 */
export function assertProductionReady(settings: Settings): void {
  if (settings.env !== 'production') return;

  if (!settings.mongodbUri) {
    throw new ConfigError('MONGODB_URI',
      'is required with NODE_ENV=production: the memory store loses every account and session on restart and cannot be shared by several processes',
      'NODE_ENV=production では必須です。メモリストアは再起動ですべてのアカウントとセッションを失い、複数プロセスで共有できません');
  }
  if (!settings.allowGeneratedSecrets) {
    if (!settings.cookieKeys) {
      throw new ConfigError('COOKIE_KEYS',
        'is required with NODE_ENV=production (or set ALLOW_GENERATED_SECRETS=true to use keys generated on first start and kept in the database)',
        'NODE_ENV=production では必須です（初回起動時に生成してデータベースに保存した鍵を使うには ALLOW_GENERATED_SECRETS=true を設定してください）');
    }
    if (!settings.signingKeysFile) {
      throw new ConfigError('SIGNING_KEYS_FILE',
        'is required with NODE_ENV=production (or set ALLOW_GENERATED_SECRETS=true to use signing keys generated on first start and kept in the database)',
        'NODE_ENV=production では必須です（初回起動時に生成してデータベースに保存した署名鍵を使うには ALLOW_GENERATED_SECRETS=true を設定してください）');
    }
  }
  if (!settings.mail.smtpUrl) {
    throw new ConfigError('SMTP_URL',
      'is required with NODE_ENV=production: sign-up codes and security notices go out by e-mail',
      'NODE_ENV=production では必須です。登録コードやセキュリティ通知はメールで送信されます');
  }
  if (!settings.sms.hookUrl) {
    throw new ConfigError('SMS_HOOK_URL',
      'is required with NODE_ENV=production: codes for contact mobile numbers go out by SMS (without it they would be written to the log)',
      'NODE_ENV=production では必須です。連絡先携帯電話番号の確認コードは SMS で送信されます（未設定ではログに書き出されます）');
  }
  const issuer = new URL(settings.issuer);
  if (issuer.protocol === 'http:' && !LOOPBACK_HOSTS.has(issuer.hostname)) {
    throw new ConfigError('ISSUER',
      `must be https with NODE_ENV=production (got ${settings.issuer}); terminate TLS at the load balancer and set TRUST_PROXY=true`,
      `NODE_ENV=production では https が必要です（${settings.issuer}）。TLS はロードバランサで終端し TRUST_PROXY=true を設定してください`);
  }
}
