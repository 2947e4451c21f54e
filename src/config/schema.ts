// Every setting tobira has, declared once: where it sits in the settings object (the nesting gives
// its path), the environment variable that sets it, its type with bounds, its default and what it
// means. The loader, the validation and docs/configuration.md (`npm run docs:config`) all read
// this tree; nothing else lists settings.
import { boolean, integer, list, oneOf, optional, text } from './kinds.ts';
import { brandColorProblem, brandLogoProblem, brandNameProblem, domainProblem, httpUrlProblem, issuerProblem, mongodbUriProblem, originProblem, timeZoneProblem, vapidSubjectProblem } from './checks.ts';
import { setting, type SettingsTree } from './setting.ts';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Browsers keep a cookie at most 400 days (RFC 6265bis), so nothing cookie-bound may outlive that. */
const COOKIE_CAP_DAYS = 400;

const seconds = (min: number, max: number) => integer(min, max, 'seconds');
const fileName = () => optional(text({ doc: 'file path' }), { blank: 'none' });

export const SCHEMA = {
  env: setting({
    section: 'server', env: 'NODE_ENV', envOnly: true,
    kind: oneOf(['development', 'production', 'test']), default: 'development',
    description: '`production` turns on the production checks (below) and turns the demo off; `test` is what the test suite uses.',
  }),
  configFile: setting({
    section: 'server', env: 'CONFIG_FILE', envOnly: true,
    kind: fileName(), default: null, defaultDoc: 'unset → no file',
    description: 'A JSON settings file, nested like the paths in this table (`{"push": {"maxPending": 5}}`). It overrides the defaults; environment variables override it. Must exist when set.',
  }),
  port: setting({
    section: 'server', env: 'PORT',
    kind: integer(0, 65535), default: 3000,
    description: 'The HTTP port tobira listens on.',
  }),
  metricsPort: setting({
    section: 'server', env: 'METRICS_PORT',
    kind: optional(integer(1, 65535)), default: null, defaultDoc: 'unset → no metrics',
    description: 'Serve Prometheus metrics at `/metrics` on this port (a listener of its own, never the public one). Unset, no metrics are collected.',
  }),
  metricsHost: setting({
    section: 'server', env: 'METRICS_HOST',
    kind: text({ doc: 'address' }), default: '127.0.0.1',
    description: 'The address the metrics listener binds to: loopback by default; `0.0.0.0` (or the pod address) to let Prometheus scrape from outside the host.',
  }),
  tracing: {
    endpoint: setting({
      section: 'server', env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      kind: optional(text({ rules: [httpUrlProblem], doc: 'http(s) URL' }), { blank: 'none' }), default: null, defaultDoc: 'unset → no tracing',
      description: 'Send OpenTelemetry traces (OTLP over HTTP, JSON) to this collector base URL; spans go to `<url>/v1/traces`. Unset, no tracing code is even loaded.',
    }),
    serviceName: setting({
      section: 'server', env: 'OTEL_SERVICE_NAME',
      kind: text({ min: 1 }), default: 'tobira',
      description: 'The `service.name` resource attribute of every span.',
    }),
    samplePercent: setting({
      section: 'server', env: 'TRACES_SAMPLE_PERCENT',
      kind: integer(0, 100), default: 100,
      description: 'The share of requests that start a new trace. A request carrying a sampled `traceparent` from a trusted proxy (`TRUST_PROXY`) follows its caller\'s decision instead.',
    }),
  },
  issuer: setting({
    section: 'server', env: 'ISSUER',
    kind: optional(text({ rules: [issuerProblem], doc: 'http(s) URL' })), default: null, defaultDoc: '`http://localhost:$PORT`',
    description: 'The public URL partners see (`iss`); follows `PORT` when unset. A trailing slash is dropped.',
  }),
  proxy: setting({
    section: 'server', env: 'TRUST_PROXY',
    kind: boolean(), default: false,
    description: '`true` behind a TLS-terminating load balancer (trust `X-Forwarded-*`).',
  }),
  logLevel: setting({
    section: 'server', env: 'LOG_LEVEL',
    kind: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info',
    description: 'How much tobira logs (JSON lines on standard output).',
  }),
  demo: setting({
    section: 'server', env: 'DEMO',
    kind: optional(boolean()), default: null, defaultDoc: '`true`, except with `NODE_ENV=production`',
    description: 'The demo partner at `/demo`.',
  }),
  bodyLimitBytes: setting({
    section: 'server', env: 'BODY_LIMIT_BYTES',
    kind: integer(1024, 10 * 1024 * 1024, 'bytes'), default: 64 * 1024,
    description: 'The largest form or JSON body tobira reads; larger requests are refused.',
  }),

  mongodbUri: setting({
    section: 'storage', env: 'MONGODB_URI', secret: true,
    kind: optional(text({ rules: [mongodbUriProblem], doc: '`mongodb://` or `mongodb+srv://` URI' }), { blank: 'none' }), default: null, defaultDoc: 'unset → memory store',
    description: 'The database. Unset, tobira keeps everything in memory: lost on restart, one process only (refused in production).',
  }),
  sweepIntervalSeconds: setting({
    section: 'storage', env: 'SWEEP_INTERVAL_SECONDS',
    kind: seconds(1, DAY), default: 5 * MINUTE,
    description: 'How often expired records are removed where the database does not do it itself (memory store, FerretDB), and each account\'s trusted browsers are trimmed to the cap (20). Reads ignore expired records anyway.',
  }),
  cookieKeys: setting({
    section: 'storage', env: 'COOKIE_KEYS', secret: true,
    kind: optional(list(text({ min: 32, doc: 'keys of at least 32 characters' }), { min: 1 })), default: null, defaultDoc: 'generated, kept in the store',
    description: 'Keys that sign cookies, at least 32 characters of random text each. The first signs, all verify: put a new key first and keep the old one until its cookies have expired.',
  }),
  signingKeysFile: setting({
    section: 'storage', env: 'SIGNING_KEYS_FILE',
    kind: fileName(), default: null, defaultDoc: 'generated, kept in the store',
    description: 'A private JWKS with the ID token signing keys (must include RS256); `npm run keys` prints one. When set, the keys come only from it: the key lifecycle below (rotation, `/admin/api/keys`) is off.',
  }),
  // The lifecycle of the keys tobira keeps in the store (oidc/signing-key-lifecycle.ts, docs/operator-guide.md).
  signingKeys: {
    rotationSeconds: setting({
      section: 'storage', env: 'SIGNING_KEY_ROTATION_SECONDS',
      kind: seconds(0, 10 * 365 * DAY), default: 90 * DAY,
      description: 'How old the current signing keys get before the schedule replaces them (the next keys are generated `SIGNING_KEY_PUBLISH_SECONDS` earlier). `0`: only by command (`npm run admin -- keys ...`).',
    }),
    publishSeconds: setting({
      section: 'storage', env: 'SIGNING_KEY_PUBLISH_SECONDS',
      kind: seconds(1, 30 * DAY), default: DAY,
      description: 'How long a next key is published in `/jwks` before it may sign: the JWKS cache time partners may rely on (`/jwks` itself says `max-age=300`; a day also covers libraries that cache for hours).',
    }),
    retireGraceSeconds: setting({
      section: 'storage', env: 'SIGNING_KEY_RETIRE_GRACE_SECONDS',
      kind: seconds(0, 7 * DAY), default: 10 * MINUTE,
      description: 'Added to the longest token lifetime (ID tokens, access tokens of the resources file, logout tokens) to get how long a retired key stays in `/jwks`: covers clock skew and partners\' caches.',
    }),
    refreshSeconds: setting({
      section: 'storage', env: 'SIGNING_KEYS_REFRESH_SECONDS',
      kind: seconds(1, 60), default: 2,
      description: 'How stale a process\'s copy of the signing keys may get: a rotation made through any process signs and is published everywhere within this time (the schedule is also checked this often).',
    }),
  },
  allowGeneratedSecrets: setting({
    section: 'storage', env: 'ALLOW_GENERATED_SECRETS',
    kind: boolean(), default: false,
    description: 'With `NODE_ENV=production`, accept the cookie and signing keys generated on first start and kept in the database.',
  }),

  clientsFile: setting({
    section: 'partners', env: 'CLIENTS_FILE',
    kind: fileName(), default: 'config/clients.json', defaultDoc: '`config/clients.json` (if present)',
    description: 'The partner services: a JSON array of OpenID client metadata. When set, the file must exist; set empty, there are none.',
  }),
  resourcesFile: setting({
    section: 'partners', env: 'RESOURCES_FILE',
    kind: fileName(), default: 'config/resources.json', defaultDoc: '`config/resources.json` (if present)',
    description: 'The partners\' APIs that machine clients get JWT access tokens for (client_credentials): a JSON array of resources, see docs/partners.md. When set, the file must exist; set empty, there are none.',
  }),
  clientsRefreshSeconds: setting({
    section: 'partners', env: 'CLIENTS_REFRESH_SECONDS',
    kind: seconds(1, 60), default: 2,
    description: 'How stale a process\'s copy of the clients registered through the operator API may get (names, tobira\'s own flags); oidc-provider itself reads them from the store on every request.',
  }),
  clientSecretKey: setting({
    section: 'partners', env: 'CLIENT_SECRET_KEY', secret: true,
    kind: optional(text({ min: 32, doc: 'text, at least 32 characters' }), { blank: 'none' }), default: null, defaultDoc: 'unset → only hashed secrets',
    description: 'Random text that encrypts the secrets tobira must keep readable (client_secret_jwt, HS256 and other symmetric algorithms) for clients registered through the operator API. Other secrets are kept only as scrypt hashes.',
  }),
  allowPrivateNetworkCallbacks: setting({
    section: 'partners', env: 'ALLOW_PRIVATE_NETWORK_CALLBACKS',
    kind: boolean(), default: false,
    description: 'Let tobira call partner URLs (back-channel logout, client JWKS) on loopback and private addresses; off, oidc-provider\'s SSRF guard refuses them.',
  }),

  ttl: {
    session: setting({
      section: 'lifetimes', env: 'SESSION_TTL',
      kind: seconds(1, COOKIE_CAP_DAYS * DAY), default: 14 * DAY,
      description: 'How long a sign-in session lasts (browsers keep a cookie at most 400 days).',
    }),
    interaction: setting({
      section: 'lifetimes', env: 'INTERACTION_TTL',
      kind: seconds(1, DAY), default: HOUR,
      description: 'How long a sign-in in progress (its pages and cookie) stays usable.',
    }),
    grant: setting({
      section: 'lifetimes', env: 'GRANT_TTL',
      kind: seconds(1, COOKIE_CAP_DAYS * DAY), default: 365 * DAY,
      description: 'How long a partner keeps what the user granted it (consent) before asking again.',
    }),
    accessToken: setting({
      section: 'lifetimes', env: 'ACCESS_TOKEN_TTL',
      kind: seconds(1, DAY), default: HOUR,
      description: 'Access token lifetime.',
    }),
    idToken: setting({
      section: 'lifetimes', env: 'ID_TOKEN_TTL',
      kind: seconds(1, DAY), default: HOUR,
      description: 'ID token lifetime.',
    }),
    authorizationCode: setting({
      section: 'lifetimes', env: 'AUTHORIZATION_CODE_TTL',
      kind: seconds(1, 10 * MINUTE), default: MINUTE,
      description: 'Authorization code lifetime (RFC 6749 recommends at most 10 minutes).',
    }),
    refreshToken: setting({
      section: 'lifetimes', env: 'REFRESH_TOKEN_TTL',
      kind: seconds(1, COOKIE_CAP_DAYS * DAY), default: 30 * DAY,
      description: 'Refresh token lifetime.',
    }),
  },

  webauthn: {
    rpId: setting({
      section: 'webauthn', env: 'WEBAUTHN_RP_ID',
      kind: optional(text({ rules: [domainProblem], doc: 'domain name' })), default: null, defaultDoc: 'the issuer\'s host name',
      description: 'The WebAuthn relying party ID: the issuer\'s host or a parent domain of it. Passkeys are bound to it, so changing it later strands the passkeys made before.',
    }),
    rpName: setting({
      section: 'webauthn', env: 'WEBAUTHN_RP_NAME',
      kind: text({ min: 1 }), default: 'tobira',
      description: 'The name authenticators show.',
    }),
    origins: setting({
      section: 'webauthn', env: 'WEBAUTHN_ORIGINS',
      kind: optional(list(text({ rules: [originProblem], doc: 'origins' }), { min: 1 })), default: null, defaultDoc: 'the issuer\'s origin',
      description: 'Origins a passkey response may come from, compared exactly: `https://…` web origins (`http://localhost` in development) and Android apps\' `android:apk-key-hash:…`. Each web origin\'s host must be the RP ID or below it.',
    }),
    attestation: setting({
      section: 'webauthn', env: 'WEBAUTHN_ATTESTATION',
      kind: oneOf(['none', 'direct']), default: 'none',
      description: 'Whether to ask authenticators to prove their make (`direct`) or not (`none`).',
    }),
  },

  mail: {
    smtpUrl: setting({
      section: 'messages', env: 'SMTP_URL', secret: true,
      kind: optional(text({ doc: 'SMTP URL' }), { blank: 'none' }), default: null, defaultDoc: 'unset → mail printed in the log',
      description: '`smtp://user:pass@host:587` or `smtps://…` for sign-up codes and notices (required in production).',
    }),
    from: setting({
      section: 'messages', env: 'MAIL_FROM',
      kind: text({ min: 3 }), default: 'tobira <no-reply@localhost>',
      description: 'The sender of tobira\'s e-mail.',
    }),
  },
  sms: {
    hookUrl: setting({
      section: 'messages', env: 'SMS_HOOK_URL',
      kind: optional(text({ rules: [httpUrlProblem], doc: 'http(s) URL' }), { blank: 'none' }), default: null, defaultDoc: 'unset → SMS printed in the log',
      description: 'The operator\'s SMS gateway: tobira POSTs `{"to": "+8190…", "text": "…"}` as JSON and expects a 2xx (required in production).',
    }),
    hookToken: setting({
      section: 'messages', env: 'SMS_HOOK_TOKEN', secret: true,
      kind: optional(text(), { blank: 'none' }), default: null, defaultDoc: 'unset',
      description: 'Sent to the SMS hook as `Authorization: Bearer …`.',
    }),
  },
  notifyNewSignIn: setting({
    section: 'messages', env: 'NOTIFY_NEW_SIGN_IN',
    kind: boolean(), default: true,
    description: 'Mail a notice when someone signs in from a browser that was not trusted.',
  }),

  oneTimeCode: {
    ttlSeconds: setting({
      section: 'codes', env: 'ONE_TIME_CODE_TTL',
      kind: seconds(1, HOUR), default: 10 * MINUTE,
      description: 'How long a code sent by mail or SMS stays valid.',
    }),
    maxAttempts: setting({
      section: 'codes', env: 'ONE_TIME_CODE_MAX_ATTEMPTS',
      kind: integer(1, 20), default: 5,
      description: 'Tries (right or wrong) one e-mailed or texted code takes; then that code stops working and a new one is asked for (how many codes may be sent is each flow\'s mail or SMS budget).',
    }),
    attemptWindowSeconds: setting({
      section: 'codes', env: 'ONE_TIME_CODE_ATTEMPT_WINDOW_SECONDS',
      kind: seconds(1, 7 * DAY), default: HOUR,
      description: 'How long a code\'s tries are remembered; keep it at least `ONE_TIME_CODE_TTL`, or a code could take more tries than `ONE_TIME_CODE_MAX_ATTEMPTS` while it lives.',
    }),
  },
  recovery: {
    enrolmentLinkTtlSeconds: setting({
      section: 'codes', env: 'ENROLMENT_LINK_TTL',
      kind: seconds(1, 7 * DAY), default: DAY,
      description: 'How long an operator-approved enrolment link (account recovery) stays valid.',
    }),
    phoneChangeTtlSeconds: setting({
      section: 'codes', env: 'PHONE_CHANGE_LINK_TTL',
      kind: seconds(1, HOUR), default: 15 * MINUTE,
      description: 'How long the enrolment link a phone change hands to the new phone stays valid.',
    }),
    phoneSetupHandoffTtlSeconds: setting({
      section: 'codes', env: 'PHONE_SETUP_HANDOFF_TTL',
      kind: seconds(30, HOUR), default: 5 * MINUTE,
      description: 'How long the code (and QR code) a signed-in PC shows to set up a phone stays valid; a phone that entered it has the rest of this time to finish.',
    }),
  },

  push: {
    approvalTtlSeconds: setting({
      section: 'push', env: 'PUSH_APPROVAL_TTL',
      kind: seconds(30, 10 * MINUTE), default: 2 * MINUTE,
      description: 'How long a push approval (and a CIBA request) waits for the phone.',
    }),
    matching: setting({
      section: 'push', env: 'PUSH_MATCHING',
      kind: oneOf(['choose', 'type']), default: 'choose',
      description: 'Number matching on browsers that are not trusted: `choose` (pick the number among three) or `type` (type the six digits the screen shows). Only `type` meets NIST SP 800-63B-4 §3.1.3: use it in production. A partner can require it per sign-in with `acr_values=urn:tobira:acr:push:typed` (docs/partners.md).',
    }),
    maxPending: setting({
      section: 'push', env: 'PUSH_MAX_PENDING',
      kind: integer(1, 20), default: 3,
      description: 'Approvals one account may have waiting at once (`too_many_pending`).',
    }),
    maxPerHour: setting({
      section: 'push', env: 'PUSH_MAX_PER_HOUR',
      kind: integer(1, 1000), default: 10,
      description: 'Approvals one account may request per hour (`push_rate_limited`).',
    }),
    denialLimit: setting({
      section: 'push', env: 'PUSH_DENIAL_LIMIT',
      kind: integer(1, 100), default: 3,
      description: 'Denials within the denial window that pause push sign-in for the account (`push_blocked`); a request reported as not mine pauses it at once. A new request never resets the count.',
    }),
    denialWindowSeconds: setting({
      section: 'push', env: 'PUSH_DENIAL_WINDOW_SECONDS',
      kind: seconds(1, 7 * DAY), default: HOUR,
      description: 'The window in which denials are counted.',
    }),
    blockSeconds: setting({
      section: 'push', env: 'PUSH_BLOCK_SECONDS',
      kind: seconds(1, 7 * DAY), default: HOUR,
      description: 'How long push sign-in stays paused.',
    }),
    wrongNumberPauseSeconds: setting({
      section: 'push', env: 'PUSH_WRONG_NUMBER_PAUSE_SECONDS',
      kind: seconds(60, 7 * DAY), default: HOUR,
      description: 'After one wrong number on the phone, push sign-in from browsers that are not trusted (those that must show a number) is paused this long (`push_paused`), and the account is told by e-mail; trusted browsers, passkeys and CIBA keep working.',
    }),
    endpointHosts: setting({
      section: 'push', env: 'PUSH_ENDPOINT_HOSTS',
      kind: optional(list(text({ min: 1, doc: 'hosts' }))), default: null, defaultDoc: 'the browsers\' push services',
      description: 'Hosts (`host`, `host:port` or `*.suffix`) push subscriptions may point at.',
    }),
    vapidSubject: setting({
      section: 'push', env: 'VAPID_SUBJECT',
      kind: optional(text({ rules: [vapidSubjectProblem], doc: '`mailto:` address or `https:` URL' })), default: null, defaultDoc: '`mailto:` + the `MAIL_FROM` address',
      description: 'How push services reach the operator.',
    }),
    vapidPublicKey: setting({
      section: 'push', env: 'VAPID_PUBLIC_KEY',
      kind: optional(text(), { blank: 'none' }), default: null, defaultDoc: 'generated, kept in the store',
      description: 'The Web Push (VAPID) public key; set together with `VAPID_PRIVATE_KEY`.',
    }),
    vapidPrivateKey: setting({
      section: 'push', env: 'VAPID_PRIVATE_KEY', secret: true,
      kind: optional(text(), { blank: 'none' }), default: null, defaultDoc: 'generated, kept in the store',
      description: 'The Web Push (VAPID) private key; set together with `VAPID_PUBLIC_KEY`.',
    }),
    caFile: setting({
      section: 'push', env: 'PUSH_CA_FILE',
      kind: fileName(), default: null, defaultDoc: 'unset',
      description: 'An extra CA certificate (PEM) to trust for push endpoints, e.g. a private push service.',
    }),
  },
  geoipDbFile: setting({
    section: 'push', env: 'GEOIP_DB_FILE',
    kind: fileName(), default: null, defaultDoc: 'unset → no place',
    description: 'A `.mmdb` GeoIP database for the approximate place of a sign-in request, shown on the phone.',
  }),

  trustedBrowserDays: setting({
    section: 'account', env: 'TRUSTED_BROWSER_DAYS',
    kind: integer(1, COOKIE_CAP_DAYS, 'days'), default: COOKIE_CAP_DAYS,
    description: 'How long a browser stays trusted (no number to match) after a number-matched approval or a passkey sign-in in it; the store forgets a trusted browser unused this long.',
  }),
  displayTimeZone: setting({
    section: 'account', env: 'DISPLAY_TIME_ZONE',
    kind: text({ rules: [timeZoneProblem], doc: 'IANA time zone' }), default: 'Asia/Tokyo',
    description: 'The time zone of dates and times on the account pages, the phone and in notices.',
  }),

  brand: {
    name: setting({
      section: 'brand', env: 'BRAND_NAME',
      kind: optional(text({ min: 1, rules: [brandNameProblem], doc: 'text, 1–40 characters' }), { blank: 'none' }), default: null, defaultDoc: '`tobira`',
      description: 'The name in every page\'s header and title, in both languages (the operator\'s service name).',
    }),
    logoUrl: setting({
      section: 'brand', env: 'BRAND_LOGO_URL',
      kind: optional(text({ rules: [brandLogoProblem], doc: '`https:` URL or `/path`' }), { blank: 'none' }), default: null, defaultDoc: 'unset → tobira\'s mark',
      description: 'The logo beside the name in every page\'s header (shown 32 px high): an `https:` URL, or a path on tobira itself such as `/static/favicon.svg`. `http:` is refused: it would be mixed content on an https page.',
    }),
    color: setting({
      section: 'brand', env: 'BRAND_COLOR',
      kind: optional(text({ rules: [brandColorProblem], doc: '`#rrggbb`' }), { blank: 'none' }), default: null, defaultDoc: '`#0b57d0`',
      description: 'The primary colour: primary buttons (white text on it), links and focus accents. It must reach a 4.5:1 contrast with white (WCAG AA); a lighter shade of it is used in dark mode.',
    }),
  },

  adminToken: setting({
    section: 'operator', env: 'ADMIN_TOKEN', secret: true,
    kind: optional(text({ min: 32, doc: 'text, at least 32 characters' }), { blank: 'none' }), default: null, defaultDoc: 'unset → operator API off',
    description: 'The bootstrap token of the operator API (random text): with it the admin CLI grants the first admin (`npm run admin -- operators grant <email> admin`). Refused once an account holds `admin`, unless `ADMIN_TOKEN_AFTER_BOOTSTRAP` is `true`; operators then use the console or personal tokens ([operator-guide.md](operator-guide.md)).',
  }),
  adminTokenAfterBootstrap: setting({
    section: 'operator', env: 'ADMIN_TOKEN_AFTER_BOOTSTRAP',
    kind: boolean(), default: false,
    description: 'Keep accepting `ADMIN_TOKEN` after an admin exists (as an admin, audited as `operator:bootstrap-token`). Off by default: a shared token names nobody in the audit log.',
  }),
  consoleMaxAgeSeconds: setting({
    section: 'operator', env: 'CONSOLE_MAX_AGE_SECONDS',
    kind: seconds(60, DAY), default: 30 * MINUTE,
    description: 'The operator console (and the operator API called with its session) needs a passkey sign-in (`acr` phr) at most this long ago; older, the operator signs in again with a passkey.',
  }),
  operatorTokenMaxDays: setting({
    section: 'operator', env: 'OPERATOR_TOKEN_MAX_DAYS',
    kind: integer(1, 400, 'days'), default: 90,
    description: 'The longest lifetime an operator may give a personal API token (created in the console).',
  }),
} satisfies SettingsTree;
