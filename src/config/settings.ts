// Loads tobira's settings: config/default.json, then environment variables (12-factor), then
// validation. A bad value throws ConfigError naming the setting, so the process stops at start
// instead of misbehaving later.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

const seconds = z.number().int().positive();

const fileSchema = z.object({
  port: z.number().int().min(0).max(65535),
  issuer: z.string().nullable(),
  proxy: z.boolean(),
  mongodbUri: z.string().nullable(),
  clientsFile: z.string().nullable(),
  cookieKeys: z.array(z.string()).nullable(),
  signingKeysFile: z.string().nullable(),
  allowGeneratedSecrets: z.boolean(),
  allowPrivateNetworkCallbacks: z.boolean(),
  demo: z.boolean().nullable(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ttl: z.object({
    session: seconds,
    interaction: seconds,
    grant: seconds,
    accessToken: seconds,
    idToken: seconds,
    authorizationCode: seconds,
    refreshToken: seconds,
  }),
  webauthn: z.object({
    rpId: z.string().nullable(),
    rpName: z.string().min(1),
    origins: z.array(z.string()).nullable(),
    attestation: z.enum(['none', 'direct']),
  }).strict(),
  mail: z.object({
    smtpUrl: z.string().nullable(),
    from: z.string().min(3),
  }).strict(),
  sms: z.object({
    hookUrl: z.string().nullable(),
  }).strict(),
  recovery: z.object({
    enrolmentLinkTtlSeconds: seconds.max(7 * 24 * 3600),
    phoneChangeTtlSeconds: seconds.max(3600),
  }).strict(),
  notifyNewSignIn: z.boolean(),
  oneTimeCode: z.object({
    ttlSeconds: seconds.max(3600),
    maxAttempts: z.number().int().min(1).max(20),
    attemptWindowSeconds: seconds,
  }).strict(),
  push: z.object({
    approvalTtlSeconds: z.number().int().min(30).max(600),
    matching: z.enum(['choose', 'type']),
    maxPending: z.number().int().min(1).max(20),
    maxPerHour: z.number().int().min(1).max(1000),
    denialLimit: z.number().int().min(1).max(100),
    denialWindowSeconds: seconds,
    blockSeconds: seconds,
    endpointHosts: z.array(z.string().min(1)).nullable(),
    vapidSubject: z.string().nullable(),
  }).strict(),
  trustedBrowserDays: z.number().int().min(1).max(400),
  displayTimeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'is not an IANA time zone'),
  bodyLimitBytes: z.number().int().min(1024).max(10 * 1024 * 1024),
  sweepIntervalSeconds: seconds,
}).strict();

type FileSettings = z.infer<typeof fileSchema>;

export type NodeEnv = 'development' | 'production' | 'test';

export interface WebAuthnSettings {
  rpId: string;
  rpName: string;
  /** Every origin a WebAuthn response may come from, compared exactly. */
  origins: string[];
  attestation: 'none' | 'direct';
}

export interface PushSettings extends Omit<FileSettings['push'], 'endpointHosts' | 'vapidSubject'> {
  /** Hosts a push subscription may point at (exact, or `*.suffix`); null → the browsers' push services. */
  endpointHosts: string[] | null;
  vapidSubject: string;
  /** Configured VAPID key pair, or null to generate one and keep it in the store. */
  vapid: { publicKey: string; privateKey: string } | null;
  /** Extra CA certificate (PEM file) to trust for push endpoints, e.g. a private push service. */
  caFile: string | null;
}

export interface SmsSettings {
  /** Where SMS are handed over (POST JSON {to, text}); null → printed on the console (development). */
  hookUrl: string | null;
  /** Sent as `Authorization: Bearer <token>` to the hook, when set. */
  hookToken: string | null;
}

export interface Settings extends Omit<FileSettings, 'issuer' | 'demo' | 'clientsFile' | 'webauthn' | 'push' | 'sms'> {
  sms: SmsSettings;
  /** The operator API's bearer token (ADMIN_TOKEN); null turns the operator API off. */
  adminToken: string | null;
  webauthn: WebAuthnSettings;
  /** A GeoIP database (.mmdb) for the approximate place shown on the phone, or null. */
  geoipDbFile: string | null;
  push: PushSettings;
  env: NodeEnv;
  /** Absolute URL without trailing slash. */
  issuer: string;
  demo: boolean;
  /** Absolute path of the clients file, or null when there is none. */
  clientsFile: string | null;
  /** True when clientsFile came from CLIENTS_FILE (then it must exist). */
  clientsFileExplicit: boolean;
}

/** Environment variables tobira reads, with the setting each overrides. Kept here so the README table and this code agree. */
export const ENVIRONMENT = {
  NODE_ENV: 'development | production | test',
  PORT: 'port',
  ISSUER: 'issuer',
  TRUST_PROXY: 'proxy',
  MONGODB_URI: 'mongodbUri',
  CLIENTS_FILE: 'clientsFile',
  COOKIE_KEYS: 'cookieKeys (comma-separated)',
  SIGNING_KEYS_FILE: 'signingKeysFile',
  ALLOW_GENERATED_SECRETS: 'allowGeneratedSecrets',
  ALLOW_PRIVATE_NETWORK_CALLBACKS: 'allowPrivateNetworkCallbacks',
  DEMO: 'demo',
  LOG_LEVEL: 'logLevel',
  WEBAUTHN_RP_ID: 'webauthn.rpId',
  WEBAUTHN_RP_NAME: 'webauthn.rpName',
  WEBAUTHN_ORIGINS: 'webauthn.origins (comma-separated)',
  WEBAUTHN_ATTESTATION: 'webauthn.attestation',
  SMTP_URL: 'mail.smtpUrl',
  MAIL_FROM: 'mail.from',
  SMS_HOOK_URL: 'sms.hookUrl (POST JSON {to, text}; unset: SMS printed on the console)',
  SMS_HOOK_TOKEN: 'bearer token sent to the SMS hook',
  ADMIN_TOKEN: 'the operator API token (at least 32 characters); unset: operator API off',
  NOTIFY_NEW_SIGN_IN: 'notifyNewSignIn (mail a notice for sign-ins from browsers that were not trusted)',
  PUSH_MATCHING: 'push.matching (choose | type)',
  PUSH_APPROVAL_TTL: 'push.approvalTtlSeconds',
  PUSH_ENDPOINT_HOSTS: 'push.endpointHosts (comma-separated)',
  VAPID_PUBLIC_KEY: 'VAPID public key (with VAPID_PRIVATE_KEY)',
  VAPID_PRIVATE_KEY: 'VAPID private key (with VAPID_PUBLIC_KEY)',
  VAPID_SUBJECT: 'push.vapidSubject',
  PUSH_CA_FILE: 'extra CA (PEM) trusted for push endpoints',
  GEOIP_DB_FILE: 'a MaxMind .mmdb file for the approximate place of sign-in requests',
} as const;

function parseBoolean(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(name, `expected true or false, got "${value}"`, `true か false を指定してください（"${value}" が指定されました）`);
}

function parseInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new ConfigError(name, `expected a whole number, got "${value}"`, `整数を指定してください（"${value}" が指定されました）`);
  }
  return Number(value);
}

function readDefaults(file: string): FileSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, `cannot be read as JSON (${(err as Error).message})`, `JSON として読み込めません（${(err as Error).message}）`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${file} → ${issue.path.join('.') || '(root)'}` : file;
    throw new ConfigError(where, issue?.message ?? 'invalid', issue?.message ?? '不正な値です');
  }
  return parsed.data;
}

function normaliseIssuer(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `"${value}" is not an absolute URL`, `"${value}" は絶対 URL ではありません`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, 'must be an http: or https: URL', 'http: または https: の URL を指定してください');
  }
  if (url.search || url.hash) {
    throw new ConfigError(name, 'must not have a query or fragment', 'クエリやフラグメントを含めることはできません');
  }
  return url.href.replace(/\/$/, '');
}

const ANDROID_ORIGIN = /^android:apk-key-hash:[A-Za-z0-9_-]{20,}$/;

/** RP ID and origins: each web origin's host must be the RP ID or below it (WebAuthn §5.1.4). */
function webauthnSettings(env: NodeJS.ProcessEnv, base: FileSettings['webauthn'], issuer: string): WebAuthnSettings {
  const issuerUrl = new URL(issuer);
  const rpId = env.WEBAUTHN_RP_ID ?? base.rpId ?? issuerUrl.hostname;
  if (!/^[a-z0-9.-]+$/.test(rpId) || rpId.startsWith('.') || rpId.endsWith('.')) {
    throw new ConfigError('WEBAUTHN_RP_ID', `"${rpId}" is not a domain name`, `"${rpId}" はドメイン名ではありません`);
  }
  const origins = env.WEBAUTHN_ORIGINS !== undefined
    ? env.WEBAUTHN_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
    : base.origins ?? [issuerUrl.origin];
  if (origins.length === 0) {
    throw new ConfigError('WEBAUTHN_ORIGINS', 'needs at least one origin', '少なくとも 1 つのオリジンが必要です');
  }
  for (const origin of origins) {
    if (ANDROID_ORIGIN.test(origin)) continue;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError('WEBAUTHN_ORIGINS', `"${origin}" is neither a web origin nor android:apk-key-hash:<hash>`, `"${origin}" は Web オリジンでも android:apk-key-hash:<hash> でもありません`);
    }
    if (url.origin !== origin) {
      throw new ConfigError('WEBAUTHN_ORIGINS', `"${origin}" must be an origin exactly (scheme://host[:port], no path or trailing slash)`, `"${origin}" はオリジン（scheme://host[:port]、パスや末尾のスラッシュなし）で指定してください`);
    }
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
    if (!secure) {
      throw new ConfigError('WEBAUTHN_ORIGINS', `"${origin}" must be https (browsers allow passkeys on http only for localhost)`, `"${origin}" は https である必要があります（http でパスキーを使えるのは localhost のみです）`);
    }
    if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
      throw new ConfigError('WEBAUTHN_RP_ID', `"${rpId}" is not the host of ${origin} or a parent domain of it`, `"${rpId}" は ${origin} のホストでもその親ドメインでもありません`);
    }
  }
  const attestation = env.WEBAUTHN_ATTESTATION ?? base.attestation;
  if (attestation !== 'none' && attestation !== 'direct') {
    throw new ConfigError('WEBAUTHN_ATTESTATION', 'must be none or direct', 'none か direct を指定してください');
  }
  return { rpId, rpName: env.WEBAUTHN_RP_NAME ?? base.rpName, origins, attestation };
}

function pushSettings(env: NodeJS.ProcessEnv, base: FileSettings['push'], issuer: string, mailFrom: string): PushSettings {
  const matching = env.PUSH_MATCHING ?? base.matching;
  if (matching !== 'choose' && matching !== 'type') {
    throw new ConfigError('PUSH_MATCHING', 'must be choose (pick the number among three) or type (type the 6-digit code)', 'choose（3 つから選ぶ）か type（6 桁を入力）を指定してください');
  }
  const ttl = env.PUSH_APPROVAL_TTL !== undefined ? parseInteger('PUSH_APPROVAL_TTL', env.PUSH_APPROVAL_TTL) : base.approvalTtlSeconds;
  if (ttl < 30 || ttl > 600) throw new ConfigError('PUSH_APPROVAL_TTL', 'must be between 30 and 600 seconds', '30〜600 秒で指定してください');
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = env;
  if ((publicKey === undefined) !== (privateKey === undefined)) {
    throw new ConfigError(publicKey === undefined ? 'VAPID_PUBLIC_KEY' : 'VAPID_PRIVATE_KEY', 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together', 'VAPID_PUBLIC_KEY と VAPID_PRIVATE_KEY は両方指定してください');
  }
  const hosts = env.PUSH_ENDPOINT_HOSTS !== undefined ? env.PUSH_ENDPOINT_HOSTS.split(',').map((h) => h.trim()).filter(Boolean) : base.endpointHosts;
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const vapidSubject = env.VAPID_SUBJECT ?? base.vapidSubject ?? (address.includes('@') ? `mailto:${address}` : issuer);
  if (!/^(mailto:.+@.+|https:\/\/.+)$/.test(vapidSubject)) {
    throw new ConfigError('VAPID_SUBJECT', `"${vapidSubject}" must be a mailto: address or an https: URL where push services can reach the operator`, `"${vapidSubject}" は mailto: アドレスか https: URL である必要があります`);
  }
  return {
    ...base,
    matching,
    approvalTtlSeconds: ttl,
    endpointHosts: hosts,
    vapidSubject,
    vapid: publicKey && privateKey ? { publicKey, privateKey } : null,
    caFile: env.PUSH_CA_FILE || null,
  };
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env, defaultsFile = resolve(PROJECT_ROOT, 'config', 'default.json')): Settings {
  const base = readDefaults(defaultsFile);
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError('NODE_ENV', `must be development, production or test, got "${nodeEnv}"`, `development・production・test のいずれかを指定してください（"${nodeEnv}"）`);
  }

  const port = env.PORT !== undefined ? parseInteger('PORT', env.PORT) : base.port;
  if (port > 65535) throw new ConfigError('PORT', 'must be at most 65535', '65535 以下を指定してください');

  const issuerSource = env.ISSUER !== undefined ? 'ISSUER' : 'issuer';
  const issuer = normaliseIssuer(issuerSource, env.ISSUER ?? base.issuer ?? `http://localhost:${port}`);

  const cookieKeys = env.COOKIE_KEYS !== undefined
    ? env.COOKIE_KEYS.split(',').map((k) => k.trim()).filter(Boolean)
    : base.cookieKeys;
  if (cookieKeys) {
    if (cookieKeys.length === 0) throw new ConfigError('COOKIE_KEYS', 'is set but empty', '設定されていますが空です');
    for (const key of cookieKeys) {
      if (key.length < 32) {
        throw new ConfigError('COOKIE_KEYS', 'every key must be at least 32 characters of random text', 'すべての鍵を 32 文字以上のランダムな文字列にしてください');
      }
    }
  }

  const clientsFileExplicit = env.CLIENTS_FILE !== undefined;
  const clientsFileSetting = env.CLIENTS_FILE ?? base.clientsFile;
  const mongodbUri = env.MONGODB_URI !== undefined ? env.MONGODB_URI || null : base.mongodbUri;
  if (mongodbUri !== null && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://', 'mongodb:// または mongodb+srv:// で始まる必要があります');
  }

  const logLevel = env.LOG_LEVEL ?? base.logLevel;
  const levels = fileSchema.shape.logLevel.options as readonly string[];
  if (!levels.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${levels.join(', ')}`, `${levels.join('、')} のいずれかを指定してください`);
  }

  const smsHookUrl = env.SMS_HOOK_URL !== undefined ? env.SMS_HOOK_URL || null : base.sms.hookUrl;
  if (smsHookUrl !== null) {
    let url: URL | undefined;
    try {
      url = new URL(smsHookUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new ConfigError('SMS_HOOK_URL', `"${smsHookUrl}" is not an http(s) URL`, `"${smsHookUrl}" は http(s) の URL ではありません`);
    }
  }
  const adminToken = env.ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 32) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 32 characters of random text', '32 文字以上のランダムな文字列にしてください');
  }

  return {
    ...base,
    env: nodeEnv,
    port,
    issuer,
    proxy: env.TRUST_PROXY !== undefined ? parseBoolean('TRUST_PROXY', env.TRUST_PROXY) : base.proxy,
    mongodbUri,
    clientsFile: clientsFileSetting ? resolve(PROJECT_ROOT, clientsFileSetting) : null,
    clientsFileExplicit,
    cookieKeys,
    signingKeysFile: env.SIGNING_KEYS_FILE !== undefined ? resolve(PROJECT_ROOT, env.SIGNING_KEYS_FILE) : base.signingKeysFile,
    allowGeneratedSecrets: env.ALLOW_GENERATED_SECRETS !== undefined ? parseBoolean('ALLOW_GENERATED_SECRETS', env.ALLOW_GENERATED_SECRETS) : base.allowGeneratedSecrets,
    allowPrivateNetworkCallbacks: env.ALLOW_PRIVATE_NETWORK_CALLBACKS !== undefined
      ? parseBoolean('ALLOW_PRIVATE_NETWORK_CALLBACKS', env.ALLOW_PRIVATE_NETWORK_CALLBACKS)
      : base.allowPrivateNetworkCallbacks,
    demo: env.DEMO !== undefined ? parseBoolean('DEMO', env.DEMO) : base.demo ?? nodeEnv !== 'production',
    logLevel: logLevel as FileSettings['logLevel'],
    webauthn: webauthnSettings(env, base.webauthn, issuer),
    mail: {
      smtpUrl: env.SMTP_URL !== undefined ? env.SMTP_URL || null : base.mail.smtpUrl,
      from: env.MAIL_FROM ?? base.mail.from,
    },
    push: pushSettings(env, base.push, issuer, env.MAIL_FROM ?? base.mail.from),
    sms: { hookUrl: smsHookUrl, hookToken: env.SMS_HOOK_TOKEN || null },
    adminToken,
    notifyNewSignIn: env.NOTIFY_NEW_SIGN_IN !== undefined ? parseBoolean('NOTIFY_NEW_SIGN_IN', env.NOTIFY_NEW_SIGN_IN) : base.notifyNewSignIn,
    geoipDbFile: env.GEOIP_DB_FILE ? resolve(PROJECT_ROOT, env.GEOIP_DB_FILE) : null,
  };
}
