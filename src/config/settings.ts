// Loads tobira's settings (12-factor): the defaults declared in schema.ts, then the optional
// settings file (CONFIG_FILE), then environment variables, validated once against the schema.
// Values that follow from others (issuer, WebAuthn RP ID and origins, VAPID subject, demo) are
// worked out afterwards, in derive(). A bad value throws ConfigError naming the variable (or the
// file and the field), so the process stops at start instead of misbehaving later.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.ts';
import { domainProblem, originProblem, vapidSubjectProblem } from './checks.ts';
import { explainIssue } from './issues.ts';
import { SCHEMA } from './schema.ts';
import { declaredSettings, defaultsOf, schemaOf, type Declared, type ValueOf } from './setting.ts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

/** The file that held the defaults before schema.ts did; see refuseLegacyDefaults. */
export const LEGACY_DEFAULTS_FILE = resolve(PROJECT_ROOT, 'config', 'default.json');

type Raw = ValueOf<typeof SCHEMA>;

export type NodeEnv = Raw['env'];

export interface WebAuthnSettings {
  rpId: string;
  rpName: string;
  /** Every origin a WebAuthn response may come from, compared exactly. */
  origins: string[];
  attestation: Raw['webauthn']['attestation'];
}

export interface PushSettings extends Omit<Raw['push'], 'vapidSubject' | 'vapidPublicKey' | 'vapidPrivateKey'> {
  vapidSubject: string;
  /** Configured VAPID key pair, or null to generate one and keep it in the store. */
  vapid: { publicKey: string; privateKey: string } | null;
}

export type SmsSettings = Raw['sms'];

export interface Settings extends Omit<Raw, 'configFile' | 'env' | 'issuer' | 'demo' | 'webauthn' | 'push'> {
  env: NodeEnv;
  /** Absolute URL without trailing slash. */
  issuer: string;
  demo: boolean;
  webauthn: WebAuthnSettings;
  push: PushSettings;
  /** Absolute path of the clients file, or null when there is none. */
  clientsFile: string | null;
  /** True when the clients file was named (environment or settings file): then it must exist. */
  clientsFileExplicit: boolean;
  /** Absolute path of the resources file (partners' APIs), or null when there is none. */
  resourcesFile: string | null;
  /** RESOURCES_FILE was set by the operator (then the file must exist), not left at its default. */
  resourcesFileExplicit: boolean;
}

const DECLARED = declaredSettings(SCHEMA);
const VALIDATOR = schemaOf(SCHEMA);

/** Where a setting's value came from, when not from its default. */
type Source = { from: 'env'; name: string } | { from: 'file'; file: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getAt(object: Json, keys: readonly string[]): { found: boolean; value?: unknown } {
  let node: unknown = object;
  for (const key of keys) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return { found: false };
    node = node[key];
  }
  return { found: true, value: node };
}

function setAt(object: Json, keys: readonly string[], value: unknown): void {
  let node = object;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isObject(next)) throw new Error(`settings group ${key} is missing`);
    node = next;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** The file's values over the defaults; groups merge, anything else (lists included) replaces. */
function overlay(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? overlay(current, value) : value;
  }
  return merged;
}

function readSettingsFile(file: string): Json {
  if (!existsSync(file)) throw new ConfigError(file, 'does not exist (named by CONFIG_FILE)', '存在しません（CONFIG_FILE で指定されています）');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, `cannot be read as JSON (${(err as Error).message})`, `JSON として読み込めません（${(err as Error).message}）`);
  }
  if (!isObject(parsed)) {
    throw new ConfigError(file, 'must be a JSON object of settings', '設定の JSON オブジェクトである必要があります');
  }
  for (const { path, keys, spec } of DECLARED) {
    // A group given as something else would leave environment variables nowhere to go.
    for (let depth = 1; depth < keys.length; depth++) {
      const group = getAt(parsed, keys.slice(0, depth));
      if (group.found && !isObject(group.value)) {
        throw new ConfigError(`${file} → ${keys.slice(0, depth).join('.')}`, 'must be a group of settings (JSON object)', '設定のグループ（JSON オブジェクト）である必要があります');
      }
    }
    if (spec.envOnly && getAt(parsed, keys).found) {
      throw new ConfigError(`${file} → ${path}`, `can only be set by the environment variable ${spec.env}`, `環境変数 ${spec.env} でのみ設定できます`);
    }
  }
  return parsed;
}

/**
 * config/default.json held the defaults until they moved into schema.ts. A copy an operator edited
 * (or mounted into the image) would now be ignored without a word, so tobira refuses to start
 * until it is named in CONFIG_FILE or removed.
 */
export function refuseLegacyDefaults(file = LEGACY_DEFAULTS_FILE): void {
  if (!existsSync(file)) return;
  throw new ConfigError(file,
    'is no longer read: the defaults are built in (docs/configuration.md). To keep the values you changed there, set CONFIG_FILE to this file (or to a file with only those values); otherwise delete it',
    '読み込まれなくなりました。既定値は組み込みです（docs/configuration.md）。変更した値を使い続けるには CONFIG_FILE にこのファイル（または変更した値だけのファイル）を指定し、不要なら削除してください');
}

function declaredAt(path: ReadonlyArray<PropertyKey>): Declared | undefined {
  const keys = path.map(String);
  return DECLARED.find((d) => d.keys.length <= keys.length && d.keys.every((k, i) => keys[i] === k));
}

/** Names what the operator has to change: the variable if the value came from it, else the file and the field. */
function settingName(path: ReadonlyArray<PropertyKey>, declared: Declared | undefined, sources: ReadonlyMap<string, Source>, file: string | null): string {
  const source = declared ? sources.get(declared.path) : undefined;
  if (source?.from === 'env') return source.name;
  const where = path.map(String).join('.') || '(root)';
  if (file && (source?.from === 'file' || !declared)) return `${file} → ${where}`;
  return declared?.spec.env ?? where;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env, settingsFile?: string): Settings {
  const configFileName = settingsFile ?? (env[SCHEMA.configFile.env] || undefined);
  const file = configFileName ? resolve(PROJECT_ROOT, configFileName) : null;
  if (!file) refuseLegacyDefaults();

  const sources = new Map<string, Source>();
  let raw = defaultsOf(SCHEMA);
  if (file) {
    const values = readSettingsFile(file);
    raw = overlay(raw, values);
    for (const { path, keys } of DECLARED) {
      if (getAt(values, keys).found) sources.set(path, { from: 'file', file });
    }
  }
  for (const { path, keys, spec } of DECLARED) {
    const text = env[spec.env];
    if (text === undefined) continue;
    setAt(raw, keys, spec.kind.fromEnv(text));
    sources.set(path, { from: 'env', name: spec.env });
  }

  const parsed = VALIDATOR.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw new ConfigError(file ?? 'settings', 'are invalid', '不正です');
    const declared = declaredAt(issue.path);
    const messages = explainIssue(issue, declared);
    throw new ConfigError(settingName(issue.path, declared, sources, file), messages.en, messages.ja);
  }
  // The schema was built from the same tree as Raw, so what it accepted has Raw's shape.
  return derive(parsed.data as Raw, sources);
}

/** Paths in settings are relative to the project folder, wherever the process was started. */
function projectPath(path: string | null): string | null {
  return path ? resolve(PROJECT_ROOT, path) : null;
}

function refuse(name: string, problem: { en: string; ja: string } | null): void {
  if (problem) throw new ConfigError(name, problem.en, problem.ja);
}

/** RP ID and origins: each web origin's host must be the RP ID or below it (WebAuthn §5.1.4). */
function webauthnSettings(base: Raw['webauthn'], issuer: string): WebAuthnSettings {
  const issuerUrl = new URL(issuer);
  const rpId = base.rpId ?? issuerUrl.hostname;
  if (base.rpId === null) refuse(SCHEMA.webauthn.rpId.env, domainProblem(rpId));
  const origins = base.origins ?? [issuerUrl.origin];
  for (const origin of origins) {
    if (base.origins === null) refuse(SCHEMA.webauthn.origins.env, originProblem(origin));
    if (origin.startsWith('android:')) continue;
    const { hostname } = new URL(origin);
    if (hostname !== rpId && !hostname.endsWith(`.${rpId}`)) {
      throw new ConfigError(SCHEMA.webauthn.rpId.env, `"${rpId}" is not the host of ${origin} or a parent domain of it`, `"${rpId}" は ${origin} のホストでもその親ドメインでもありません`);
    }
  }
  return { rpId, rpName: base.rpName, origins, attestation: base.attestation };
}

function pushSettings(base: Raw['push'], issuer: string, mailFrom: string): PushSettings {
  const { vapidPublicKey: publicKey, vapidPrivateKey: privateKey, vapidSubject: subject, ...policy } = base;
  if ((publicKey === null) !== (privateKey === null)) {
    const missing = publicKey === null ? SCHEMA.push.vapidPublicKey.env : SCHEMA.push.vapidPrivateKey.env;
    throw new ConfigError(missing, 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together', 'VAPID_PUBLIC_KEY と VAPID_PRIVATE_KEY は両方指定してください');
  }
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
  const vapidSubject = subject ?? (address.includes('@') ? `mailto:${address}` : issuer);
  if (subject === null) refuse(SCHEMA.push.vapidSubject.env, vapidSubjectProblem(vapidSubject));
  return {
    ...policy,
    vapidSubject,
    vapid: publicKey !== null && privateKey !== null ? { publicKey, privateKey } : null,
    caFile: projectPath(policy.caFile),
  };
}

/** Everything that follows from the validated values, worked out in one place. */
function derive(raw: Raw, sources: ReadonlyMap<string, Source>): Settings {
  const { configFile: _configFile, env: nodeEnv, issuer: configuredIssuer, demo, webauthn, push, ...rest } = raw;
  const issuer = new URL(configuredIssuer ?? `http://localhost:${raw.port}`).href.replace(/\/$/, '');
  // A code's tries are counted over this window: shorter than the code's life, a code could take
  // more tries than ONE_TIME_CODE_MAX_ATTEMPTS before it expires.
  if (raw.oneTimeCode.attemptWindowSeconds < raw.oneTimeCode.ttlSeconds) {
    refuse(SCHEMA.oneTimeCode.attemptWindowSeconds.env, {
      en: `must be at least ONE_TIME_CODE_TTL (${raw.oneTimeCode.ttlSeconds} s), or a code could be tried more than ONE_TIME_CODE_MAX_ATTEMPTS times while it lives`,
      ja: `ONE_TIME_CODE_TTL（${raw.oneTimeCode.ttlSeconds} 秒）以上にしてください。短いと、有効な間に ONE_TIME_CODE_MAX_ATTEMPTS を超えて試せてしまいます`,
    });
  }
  return {
    ...rest,
    env: nodeEnv,
    issuer,
    demo: demo ?? nodeEnv !== 'production',
    webauthn: webauthnSettings(webauthn, issuer),
    push: pushSettings(push, issuer, raw.mail.from),
    clientsFile: projectPath(raw.clientsFile),
    clientsFileExplicit: sources.has('clientsFile'),
    resourcesFile: projectPath(raw.resourcesFile),
    resourcesFileExplicit: sources.has('resourcesFile'),
    signingKeysFile: projectPath(raw.signingKeysFile),
    geoipDbFile: projectPath(raw.geoipDbFile),
  };
}
