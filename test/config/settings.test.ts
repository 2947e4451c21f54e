import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../src/config/config-error.ts';
import { assertProductionReady } from '../../src/config/production-guard.ts';
import { SCHEMA } from '../../src/config/schema.ts';
import { declaredSettings } from '../../src/config/setting.ts';
import { loadSettings, PROJECT_ROOT, refuseLegacyDefaults } from '../../src/config/settings.ts';
import { runMain } from '../support/processes.ts';
import { writeClientsFile } from '../support/tobira.ts';
import { partnerClient } from '../support/partner.ts';
import { freshStore } from '../support/stores.ts';
import { buildApp } from '../../src/app/app.ts';
import { createLogger } from '../../src/log.ts';

function refusal(setting: RegExp, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.match(err.setting, setting);
    if (message) assert.match(err.messages.en, message);
    assert.ok(err.messages.ja.length > 0);
    return true;
  };
}

describe('settings', () => {
  it('defaults to the embedded development setup on port 3000', () => {
    const s = loadSettings({});
    assert.equal(s.env, 'development');
    assert.equal(s.port, 3000);
    assert.equal(s.issuer, 'http://localhost:3000');
    assert.equal(s.mongodbUri, null);
    assert.equal(s.demo, true);
    assert.equal(s.proxy, false);
  });

  it('the issuer follows PORT unless ISSUER is set', () => {
    assert.equal(loadSettings({ PORT: '4100' }).issuer, 'http://localhost:4100');
    assert.equal(loadSettings({ PORT: '4100', ISSUER: 'https://id.example.com/' }).issuer, 'https://id.example.com');
  });

  it('environment variables override the defaults', () => {
    const s = loadSettings({ NODE_ENV: 'production', TRUST_PROXY: 'true', MONGODB_URI: 'mongodb://db/tobira', COOKIE_KEYS: `${'a'.repeat(32)},${'b'.repeat(40)}`, LOG_LEVEL: 'warn' });
    assert.equal(s.proxy, true);
    assert.equal(s.mongodbUri, 'mongodb://db/tobira');
    assert.deepEqual(s.cookieKeys, ['a'.repeat(32), 'b'.repeat(40)]);
    assert.equal(s.logLevel, 'warn');
    assert.equal(s.demo, false, 'no demo in production unless asked for');
  });

  it('refuses bad values, naming the setting', () => {
    assert.throws(() => loadSettings({ PORT: 'eighty' }), refusal(/^PORT$/));
    assert.throws(() => loadSettings({ PORT: '70000' }), refusal(/^PORT$/));
    assert.throws(() => loadSettings({ ISSUER: 'not a url' }), refusal(/^ISSUER$/));
    assert.throws(() => loadSettings({ ISSUER: 'ftp://id.example.com' }), refusal(/^ISSUER$/));
    assert.throws(() => loadSettings({ TRUST_PROXY: 'maybe' }), refusal(/^TRUST_PROXY$/));
    assert.throws(() => loadSettings({ NODE_ENV: 'staging' }), refusal(/^NODE_ENV$/));
    assert.throws(() => loadSettings({ COOKIE_KEYS: 'short' }), refusal(/^COOKIE_KEYS$/, /32 characters/));
    assert.throws(() => loadSettings({ MONGODB_URI: 'postgres://x' }), refusal(/^MONGODB_URI$/));
    assert.throws(() => loadSettings({ LOG_LEVEL: 'loud' }), refusal(/^LOG_LEVEL$/));
  });

  it('derives the WebAuthn RP ID and origin from the issuer, and takes several origins', () => {
    const s = loadSettings({ PORT: '4100' });
    assert.equal(s.webauthn.rpId, 'localhost');
    assert.deepEqual(s.webauthn.origins, ['http://localhost:4100']);
    const apk = 'android:apk-key-hash:Zp1bq3cRLlhwWGZ9fxhGZ8lGmbRcYyLk2G3kPkXxOcM';
    const many = loadSettings({ ISSUER: 'https://id.example.com', WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: `https://id.example.com,https://example.com,${apk}` });
    assert.equal(many.webauthn.rpId, 'example.com');
    assert.deepEqual(many.webauthn.origins, ['https://id.example.com', 'https://example.com', apk]);
  });

  it('refuses WebAuthn settings that no browser could satisfy', () => {
    assert.throws(() => loadSettings({ ISSUER: 'https://id.example.com', WEBAUTHN_RP_ID: 'other.com' }), refusal(/^WEBAUTHN_RP_ID$/, /id\.example\.com/));
    assert.throws(() => loadSettings({ WEBAUTHN_ORIGINS: 'https://id.example.com/login' }), refusal(/^WEBAUTHN_ORIGINS$/, /exactly/));
    assert.throws(() => loadSettings({ ISSUER: 'http://id.example.com', WEBAUTHN_RP_ID: 'id.example.com' }), refusal(/^WEBAUTHN_ORIGINS$/, /https/));
    assert.throws(() => loadSettings({ WEBAUTHN_ORIGINS: 'android:apk-key-hash:' }), refusal(/^WEBAUTHN_ORIGINS$/));
    assert.throws(() => loadSettings({ WEBAUTHN_RP_ID: 'Not A Domain' }), refusal(/^WEBAUTHN_RP_ID$/));
    assert.throws(() => loadSettings({ WEBAUTHN_ATTESTATION: 'enterprise' }), refusal(/^WEBAUTHN_ATTESTATION$/));
  });

  it('refuses a code-attempt window shorter than a code lives', () => {
    assert.throws(() => loadSettings({ ONE_TIME_CODE_TTL: '900', ONE_TIME_CODE_ATTEMPT_WINDOW_SECONDS: '600' }), refusal(/^ONE_TIME_CODE_ATTEMPT_WINDOW_SECONDS$/, /ONE_TIME_CODE_TTL/));
    assert.equal(loadSettings({ ONE_TIME_CODE_TTL: '900', ONE_TIME_CODE_ATTEMPT_WINDOW_SECONDS: '900' }).oneTimeCode.attemptWindowSeconds, 900);
  });

  it('refuses a malformed defaults file, naming the file and the field', () => {
    const file = writeClientsFile({ port: 'x' });
    assert.throws(() => loadSettings({}, file), refusal(new RegExp(`${file}.*port`)));
  });

  it('refuses an SMS hook that is not an http(s) URL, and a short ADMIN_TOKEN', () => {
    assert.throws(() => loadSettings({ SMS_HOOK_URL: 'ftp://sms.example.com' }), refusal(/^SMS_HOOK_URL$/));
    assert.throws(() => loadSettings({ SMS_HOOK_URL: 'not a url' }), refusal(/^SMS_HOOK_URL$/));
    assert.throws(() => loadSettings({ ADMIN_TOKEN: 'short' }), refusal(/^ADMIN_TOKEN$/, /32/));
    const settings = loadSettings({ SMS_HOOK_URL: 'https://sms.example.com/send', SMS_HOOK_TOKEN: 't', ADMIN_TOKEN: 'a'.repeat(32), NOTIFY_NEW_SIGN_IN: 'false' });
    assert.deepEqual(settings.sms, { hookUrl: 'https://sms.example.com/send', hookToken: 't' });
    assert.equal(settings.adminToken, 'a'.repeat(32));
    assert.equal(settings.notifyNewSignIn, false);
    assert.equal(loadSettings({}).adminToken, null);
  });

  describe('with NODE_ENV=production', () => {
    const prod = { NODE_ENV: 'production', ISSUER: 'https://id.example.com', MONGODB_URI: 'mongodb://db/tobira', COOKIE_KEYS: 'k'.repeat(32), SIGNING_KEYS_FILE: '/etc/tobira/jwks.json', SMTP_URL: 'smtp://mail.example.com:587', SMS_HOOK_URL: 'https://sms.example.com/send' };

    it('accepts a complete production setup', () => {
      assert.doesNotThrow(() => assertProductionReady(loadSettings(prod)));
    });
    it('refuses the memory store', () => {
      const { MONGODB_URI: _u, ...env } = prod;
      assert.throws(() => assertProductionReady(loadSettings(env)), refusal(/^MONGODB_URI$/));
    });
    it('refuses generated secrets unless explicitly allowed', () => {
      const { COOKIE_KEYS: _c, ...noCookieKeys } = prod;
      assert.throws(() => assertProductionReady(loadSettings(noCookieKeys)), refusal(/^COOKIE_KEYS$/, /ALLOW_GENERATED_SECRETS/));
      const { SIGNING_KEYS_FILE: _s, ...noSigningKeys } = prod;
      assert.throws(() => assertProductionReady(loadSettings(noSigningKeys)), refusal(/^SIGNING_KEYS_FILE$/));
      assert.doesNotThrow(() => assertProductionReady(loadSettings({ ...noCookieKeys, SIGNING_KEYS_FILE: '', ALLOW_GENERATED_SECRETS: 'true' })));
    });
    it('refuses to run without a mail server', () => {
      const { SMTP_URL: _m, ...env } = prod;
      assert.throws(() => assertProductionReady(loadSettings(env)), refusal(/^SMTP_URL$/));
    });
    it('refuses to run without an SMS hook (codes would go to the log)', () => {
      const { SMS_HOOK_URL: _h, ...env } = prod;
      assert.throws(() => assertProductionReady(loadSettings(env)), refusal(/^SMS_HOOK_URL$/));
    });
    it('refuses an http issuer that is not localhost', () => {
      assert.throws(() => assertProductionReady(loadSettings({ ...prod, ISSUER: 'http://id.example.com', WEBAUTHN_ORIGINS: 'https://id.example.com' })), refusal(/^ISSUER$/, /https/));
      assert.doesNotThrow(() => assertProductionReady(loadSettings({ ...prod, ISSUER: 'http://localhost:3000' })));
    });
    it('the real process refuses to start and names the setting', async () => {
      const { MONGODB_URI: _u, ...env } = prod;
      const exited = await runMain(env);
      assert.equal(exited.code, 1);
      assert.match(exited.stderr, /MONGODB_URI: is required with NODE_ENV=production/);
      assert.match(exited.stderr, /起動できません/);
    });
  });
});

/** What config/default.json held before the defaults moved into the schema; they must not change. */
const FORMER_DEFAULTS = {
  port: 3000, issuer: null, proxy: false, mongodbUri: null, clientsFile: 'config/clients.json', cookieKeys: null,
  signingKeysFile: null, allowGeneratedSecrets: false, allowPrivateNetworkCallbacks: false, demo: null, logLevel: 'info',
  ttl: { session: 1209600, interaction: 3600, grant: 31536000, accessToken: 3600, idToken: 3600, authorizationCode: 60, refreshToken: 2592000 },
  bodyLimitBytes: 65536, sweepIntervalSeconds: 300,
  webauthn: { rpId: null, rpName: 'tobira', origins: null, attestation: 'none' },
  mail: { smtpUrl: null, from: 'tobira <no-reply@localhost>' },
  sms: { hookUrl: null },
  recovery: { enrolmentLinkTtlSeconds: 86400, phoneChangeTtlSeconds: 900 },
  notifyNewSignIn: true,
  oneTimeCode: { ttlSeconds: 600, maxAttempts: 5, attemptWindowSeconds: 3600 },
  displayTimeZone: 'Asia/Tokyo',
  push: { approvalTtlSeconds: 120, matching: 'choose', maxPending: 3, maxPerHour: 10, denialLimit: 3, denialWindowSeconds: 3600, blockSeconds: 3600, endpointHosts: null, vapidSubject: null },
  trustedBrowserDays: 400,
};

describe('settings schema', () => {
  const declared = declaredSettings(SCHEMA);

  it('gives every setting its own variable, a description, and a default its own type accepts', () => {
    assert.equal(new Set(declared.map((d) => d.spec.env)).size, declared.length, 'an environment variable is declared twice');
    for (const { path, spec } of declared) {
      assert.match(spec.env, /^[A-Z][A-Z0-9_]*$/, path);
      assert.ok(spec.description.length > 10, `${path} needs a description`);
      assert.ok(spec.kind.schema.safeParse(spec.default).success, `${path}: the default ${JSON.stringify(spec.default)} is outside its own bounds`);
    }
  });

  it('keeps the defaults config/default.json held', () => {
    const s = loadSettings({});
    assert.deepEqual(s.ttl, FORMER_DEFAULTS.ttl);
    assert.deepEqual(s.oneTimeCode, FORMER_DEFAULTS.oneTimeCode);
    // Added after config/default.json was retired: the phone setup hand-off's lifetime.
    const { phoneSetupHandoffTtlSeconds, ...recovery } = s.recovery;
    assert.deepEqual(recovery, FORMER_DEFAULTS.recovery);
    assert.equal(phoneSetupHandoffTtlSeconds, 300);
    assert.deepEqual(s.mail, FORMER_DEFAULTS.mail);
    assert.deepEqual(s.sms, { hookUrl: null, hookToken: null });
    const { endpointHosts: _h, vapidSubject: _s, ...limits } = FORMER_DEFAULTS.push;
    const { endpointHosts, vapidSubject, vapid, caFile, wrongNumberPauseSeconds, ...pushLimits } = s.push;
    assert.deepEqual(pushLimits, limits);
    // Added after config/default.json (issue 10): the pause after a wrong number on the phone.
    assert.equal(wrongNumberPauseSeconds, 3600);
    assert.deepEqual({ endpointHosts, vapidSubject, vapid, caFile }, { endpointHosts: null, vapidSubject: 'mailto:no-reply@localhost', vapid: null, caFile: null });
    assert.deepEqual(s.webauthn, { rpId: 'localhost', rpName: 'tobira', origins: ['http://localhost:3000'], attestation: 'none' });
    assert.equal(s.clientsFile, resolve(PROJECT_ROOT, 'config/clients.json'));
    assert.equal(s.clientsFileExplicit, false);
    for (const key of ['cookieKeys', 'signingKeysFile', 'allowGeneratedSecrets', 'allowPrivateNetworkCallbacks', 'logLevel', 'bodyLimitBytes', 'sweepIntervalSeconds', 'notifyNewSignIn', 'displayTimeZone', 'trustedBrowserDays'] as const) {
      assert.deepEqual(s[key], FORMER_DEFAULTS[key], key);
    }
    assert.equal(s.geoipDbFile, null);
    assert.equal(s.adminToken, null);
  });

  it('applies every kind of environment variable', () => {
    const s = loadSettings({
      SESSION_TTL: '604800', PUSH_MAX_PENDING: '5', PUSH_BLOCK_SECONDS: '7200', TRUSTED_BROWSER_DAYS: '30', DISPLAY_TIME_ZONE: 'Europe/Berlin',
      BODY_LIMIT_BYTES: '2048', TRUST_PROXY: 'yes', NOTIFY_NEW_SIGN_IN: 'off', PUSH_MATCHING: 'type', PUSH_ENDPOINT_HOSTS: ' a.example , *.b.example ,',
      WEBAUTHN_RP_NAME: 'Example ID', VAPID_PUBLIC_KEY: 'pub', VAPID_PRIVATE_KEY: 'priv', VAPID_SUBJECT: 'https://example.com/contact',
      GEOIP_DB_FILE: 'data/geo.mmdb', PUSH_CA_FILE: '/etc/ca.pem',
    });
    assert.equal(s.ttl.session, 604800);
    assert.equal(s.push.maxPending, 5);
    assert.equal(s.push.blockSeconds, 7200);
    assert.equal(s.trustedBrowserDays, 30);
    assert.equal(s.displayTimeZone, 'Europe/Berlin');
    assert.equal(s.bodyLimitBytes, 2048);
    assert.equal(s.proxy, true);
    assert.equal(s.notifyNewSignIn, false);
    assert.equal(s.push.matching, 'type');
    assert.deepEqual(s.push.endpointHosts, ['a.example', '*.b.example']);
    assert.equal(s.webauthn.rpName, 'Example ID');
    assert.deepEqual(s.push.vapid, { publicKey: 'pub', privateKey: 'priv' });
    assert.equal(s.push.vapidSubject, 'https://example.com/contact');
    assert.equal(s.geoipDbFile, resolve(PROJECT_ROOT, 'data/geo.mmdb'), 'relative to the project folder');
    assert.equal(s.push.caFile, '/etc/ca.pem');
  });

  it('an empty variable switches an optional service off, and is refused where a value is needed', () => {
    const s = loadSettings({ SMTP_URL: '', SMS_HOOK_URL: '', MONGODB_URI: '', SIGNING_KEYS_FILE: '', CLIENTS_FILE: '', ADMIN_TOKEN: '', GEOIP_DB_FILE: '' });
    assert.equal(s.mail.smtpUrl, null);
    assert.equal(s.sms.hookUrl, null);
    assert.equal(s.mongodbUri, null);
    assert.equal(s.signingKeysFile, null);
    assert.equal(s.clientsFile, null);
    assert.equal(s.clientsFileExplicit, true);
    assert.equal(s.adminToken, null);
    assert.equal(s.geoipDbFile, null);
    assert.throws(() => loadSettings({ ISSUER: '' }), refusal(/^ISSUER$/));
    assert.throws(() => loadSettings({ WEBAUTHN_RP_NAME: '' }), refusal(/^WEBAUTHN_RP_NAME$/, /empty/));
    assert.throws(() => loadSettings({ MAIL_FROM: '' }), refusal(/^MAIL_FROM$/, /3 characters/));
    assert.throws(() => loadSettings({ COOKIE_KEYS: ' , ' }), refusal(/^COOKIE_KEYS$/, /empty/));
  });

  it('refuses values outside their bounds, naming the variable and the bounds', () => {
    assert.throws(() => loadSettings({ PUSH_APPROVAL_TTL: '29' }), refusal(/^PUSH_APPROVAL_TTL$/, /between 30 and 600 seconds/));
    assert.throws(() => loadSettings({ PUSH_APPROVAL_TTL: '601' }), refusal(/^PUSH_APPROVAL_TTL$/, /between 30 and 600 seconds/));
    assert.throws(() => loadSettings({ PUSH_APPROVAL_TTL: '-5' }), refusal(/^PUSH_APPROVAL_TTL$/, /whole number, got "-5"/));
    assert.throws(() => loadSettings({ AUTHORIZATION_CODE_TTL: '601' }), refusal(/^AUTHORIZATION_CODE_TTL$/, /600/));
    assert.throws(() => loadSettings({ SESSION_TTL: '0' }), refusal(/^SESSION_TTL$/));
    assert.throws(() => loadSettings({ TRUSTED_BROWSER_DAYS: '401' }), refusal(/^TRUSTED_BROWSER_DAYS$/, /between 1 and 400 days/));
    assert.throws(() => loadSettings({ PUSH_MAX_PENDING: '21' }), refusal(/^PUSH_MAX_PENDING$/, /between 1 and 20/));
    assert.throws(() => loadSettings({ ONE_TIME_CODE_MAX_ATTEMPTS: '0' }), refusal(/^ONE_TIME_CODE_MAX_ATTEMPTS$/));
    assert.throws(() => loadSettings({ BODY_LIMIT_BYTES: '100' }), refusal(/^BODY_LIMIT_BYTES$/, /bytes/));
    assert.throws(() => loadSettings({ SWEEP_INTERVAL_SECONDS: '90000' }), refusal(/^SWEEP_INTERVAL_SECONDS$/));
    assert.throws(() => loadSettings({ DISPLAY_TIME_ZONE: 'Mars/Olympus' }), refusal(/^DISPLAY_TIME_ZONE$/, /IANA/));
    assert.throws(() => loadSettings({ PUSH_MATCHING: 'guess' }), refusal(/^PUSH_MATCHING$/, /choose, type/));
    assert.throws(() => loadSettings({ VAPID_PUBLIC_KEY: 'pub' }), refusal(/^VAPID_PRIVATE_KEY$/, /together/));
    assert.throws(() => loadSettings({ VAPID_SUBJECT: 'http://example.com' }), refusal(/^VAPID_SUBJECT$/));
  });

  it('never repeats a secret in a refusal', () => {
    const uri = 'postgres://tobira:hunter2@db/tobira';
    assert.throws(() => loadSettings({ MONGODB_URI: uri }), (err: unknown) => err instanceof ConfigError && !err.message.includes('hunter2'));
    const file = writeClientsFile({ adminToken: 1234567890 });
    assert.throws(() => loadSettings({}, file), (err: unknown) => err instanceof ConfigError && err.setting === `${file} → adminToken` && !err.message.includes('1234567890'));
  });
});

describe('settings file (CONFIG_FILE)', () => {
  it('overrides the defaults and is overridden by the environment', () => {
    const file = writeClientsFile({ port: 4200, ttl: { session: 86400 }, push: { maxPending: 7, endpointHosts: ['push.example'] }, clientsFile: 'config/clients.example.json' });
    const s = loadSettings({ CONFIG_FILE: file, PUSH_MAX_PENDING: '2' });
    assert.equal(s.port, 4200);
    assert.equal(s.issuer, 'http://localhost:4200');
    assert.equal(s.ttl.session, 86400);
    assert.equal(s.ttl.interaction, 3600, 'a group in the file only changes what it names');
    assert.equal(s.push.maxPending, 2);
    assert.deepEqual(s.push.endpointHosts, ['push.example']);
    assert.equal(s.clientsFile, resolve(PROJECT_ROOT, 'config/clients.example.json'));
    assert.equal(s.clientsFileExplicit, true, 'a clients file named in the settings file must exist');
  });

  it('accepts a complete copy of the former config/default.json', () => {
    const s = loadSettings({ CONFIG_FILE: writeClientsFile(FORMER_DEFAULTS) });
    assert.equal(s.port, 3000);
    assert.equal(s.demo, true);
    assert.deepEqual(s.ttl, FORMER_DEFAULTS.ttl);
  });

  it('refuses bad values, misspelt keys and environment-only settings, naming the file and the field', () => {
    const bad = writeClientsFile({ push: { approvalTtlSeconds: 5 } });
    assert.throws(() => loadSettings({ CONFIG_FILE: bad }), refusal(new RegExp(`^${bad} → push\\.approvalTtlSeconds$`), /between 30 and 600/));
    assert.doesNotThrow(() => loadSettings({ CONFIG_FILE: bad, PUSH_APPROVAL_TTL: '60' }), 'the environment wins over the file');
    const misspelt = writeClientsFile({ push: { maxPendng: 5 } });
    assert.throws(() => loadSettings({ CONFIG_FILE: misspelt }), refusal(new RegExp(`^${misspelt} → push$`), /maxPendng/));
    const envOnly = writeClientsFile({ env: 'production' });
    assert.throws(() => loadSettings({ CONFIG_FILE: envOnly }), refusal(new RegExp(`^${envOnly} → env$`), /NODE_ENV/));
    const flatGroup = writeClientsFile({ ttl: 3600 });
    assert.throws(() => loadSettings({ CONFIG_FILE: flatGroup, SESSION_TTL: '60' }), refusal(new RegExp(`^${flatGroup} → ttl$`), /group/));
    const notObject = writeClientsFile([1, 2]);
    assert.throws(() => loadSettings({ CONFIG_FILE: notObject }), refusal(new RegExp(`^${notObject}$`), /object/));
    assert.throws(() => loadSettings({ CONFIG_FILE: '/nonexistent/settings.json' }), refusal(/nonexistent\/settings\.json/, /does not exist/));
  });

  it('refuses to start while a config/default.json from an older version would be silently ignored', () => {
    const leftover = writeClientsFile(FORMER_DEFAULTS);
    assert.throws(() => refuseLegacyDefaults(leftover), refusal(new RegExp(`^${leftover}$`), /CONFIG_FILE/));
    assert.doesNotThrow(() => refuseLegacyDefaults('/nonexistent/default.json'));
  });
});

describe('clients file', () => {
  async function build(clients: unknown): Promise<void> {
    const store = await freshStore('memory');
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', CLIENTS_FILE: writeClientsFile(clients) });
    await buildApp(settings, store, createLogger('silent'));
  }

  it('accepts config/clients.example.json as shipped', async () => {
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', CLIENTS_FILE: 'config/clients.example.json' });
    const { provider } = await buildApp(settings, await freshStore('memory'), createLogger('silent'));
    assert.ok(await provider.Client.find('example-web'));
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    const file = writeClientsFile([]);
    writeFileSync(file, '[{"client_id": ');
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', CLIENTS_FILE: file });
    await assert.rejects(buildApp(settings, await freshStore('memory'), createLogger('silent')), refusal(new RegExp(file), /not valid JSON/));
  });

  it('refuses a file that does not exist when CLIENTS_FILE names it', async () => {
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', CLIENTS_FILE: '/nonexistent/clients.json' });
    await assert.rejects(buildApp(settings, await freshStore('memory'), createLogger('silent')), refusal(/nonexistent\/clients\.json/, /does not exist/));
  });

  it('refuses entries without client_id, with a dot in it, or listed twice', async () => {
    await assert.rejects(build({ client_id: 'x' }), refusal(/clients\.json$/, /array/));
    await assert.rejects(build([{ client_name: 'nameless' }]), refusal(/\[0\] → client_id/));
    await assert.rejects(build([partnerClient({ client_id: 'partner.web' })]), refusal(/client "partner\.web" → client_id/, /no dots/));
    await assert.rejects(build([partnerClient(), partnerClient()]), refusal(/client "partner-web"/, /twice/));
  });

  it('refuses a client that oidc-provider finds invalid, naming the client and the field', async () => {
    await assert.rejects(build([partnerClient({ redirect_uris: 'https://not-an-array.example' })]), refusal(/client "partner-web"/, /redirect_uris/));
    await assert.rejects(build([partnerClient({ response_types: ['id_token'], grant_types: ['implicit'] })]), refusal(/client "partner-web"/, /response_types|grant_types/));
    await assert.rejects(build([partnerClient({ token_endpoint_auth_method: 'magic' })]), refusal(/client "partner-web"/, /token_endpoint_auth_method/));
  });

  it('the real process refuses an invalid clients file and names file, client and field', async () => {
    const file = writeClientsFile([partnerClient({ redirect_uris: [] })]);
    const exited = await runMain({ NODE_ENV: 'test', PORT: '0', CLIENTS_FILE: file, DEMO: 'false' });
    assert.equal(exited.code, 1);
    assert.ok(exited.stderr.includes(file), exited.stderr);
    assert.match(exited.stderr, /client "partner-web"/);
    assert.match(exited.stderr, /redirect_uris/);
  });
});

describe('signing keys file', () => {
  async function buildWith(jwks: unknown) {
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', SIGNING_KEYS_FILE: writeClientsFile(jwks) });
    return buildApp(settings, await freshStore('memory'), createLogger('silent'));
  }

  it('publishes exactly the public halves of the operator\'s keys', async () => {
    const { generateSigningKey } = await import('../../src/oidc/signing-keys.ts');
    const keys = [await generateSigningKey('ES256'), await generateSigningKey('RS256')];
    const { app } = await buildWith({ keys });
    const { default: request } = await import('supertest');
    const published = (await request(app.callback()).get('/jwks').expect(200)).body as { keys: Array<{ kid: string; d?: string }> };
    assert.deepEqual(published.keys.map((k) => k.kid), keys.map((k) => k.kid));
    assert.ok(published.keys.every((k) => k.d === undefined));
  });

  it('refuses a file that is not a private JWKS with an RS256 key, naming the setting', async () => {
    const { generateSigningKey } = await import('../../src/oidc/signing-keys.ts');
    const es = await generateSigningKey('ES256');
    const rs = await generateSigningKey('RS256');
    await assert.rejects(buildWith({ keys: [] }), refusal(/^SIGNING_KEYS_FILE$/, /at least one key/));
    await assert.rejects(buildWith({ keys: [es] }), refusal(/^SIGNING_KEYS_FILE$/, /RS256/));
    const { d: _d, ...publicOnly } = rs;
    await assert.rejects(buildWith({ keys: [publicOnly] }), refusal(/^SIGNING_KEYS_FILE$/, /public key/));
    await assert.rejects(buildWith({ keys: [{ ...rs, alg: 'none' }] }), refusal(/^SIGNING_KEYS_FILE$/, /"alg"/));
  });
});
