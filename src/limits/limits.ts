// Every limit in the product, in one table: what it protects, what it counts per (the key), over
// which window, the cap, and where the cap is configured. A cap or window read from a setting names
// the setting; "fixed" ones are constants here and nowhere else. docs/limits.md lists this table
// for readers; src/limits/limits.test.ts fails when the two disagree.
//
// Limits counted by the rate limiter live in the store's windowed counters under
// `<limit name>:<subject>`; the two push-approval caps are counted by the approval store itself,
// together with each creation (ApprovalRepository.createWithinCaps, race-safe), so they have no
// counter, only a row here.

/** The settings limits read, as the loaded Settings have them. */
export interface LimitSettings {
  oneTimeCode: { ttlSeconds: number; maxAttempts: number; attemptWindowSeconds: number };
  push: { denialLimit: number; denialWindowSeconds: number; maxPending: number; maxPerHour: number; wrongNumberPauseSeconds: number };
}

/** Where a configured value comes from: the setting's path, and how to read it. */
const SETTINGS = {
  'oneTimeCode.ttlSeconds': (s: LimitSettings) => s.oneTimeCode.ttlSeconds,
  'oneTimeCode.maxAttempts': (s: LimitSettings) => s.oneTimeCode.maxAttempts,
  'oneTimeCode.attemptWindowSeconds': (s: LimitSettings) => s.oneTimeCode.attemptWindowSeconds,
  'push.denialLimit': (s: LimitSettings) => s.push.denialLimit,
  'push.denialWindowSeconds': (s: LimitSettings) => s.push.denialWindowSeconds,
  'push.maxPending': (s: LimitSettings) => s.push.maxPending,
  'push.maxPerHour': (s: LimitSettings) => s.push.maxPerHour,
  'push.wrongNumberPauseSeconds': (s: LimitSettings) => s.push.wrongNumberPauseSeconds,
} as const satisfies Record<string, (settings: LimitSettings) => number>;

export type SettingPath = keyof typeof SETTINGS;

/** A number that is either fixed here or read from a setting. */
export type Amount = number | { setting: SettingPath };

export interface Limit {
  /** What the limit protects against, for the table in the docs. */
  protects: string;
  /** What is counted per: the subject, e.g. "account id". */
  key: string;
  /** The window in seconds; null when the count is of what exists now, not of what happened. */
  windowSeconds: Amount | null;
  /** At most this many per key and window. */
  cap: Amount;
  /** What happens at the cap. */
  atCap: string;
  /** Who counts: the rate limiter (store counters), or the named store's own records. */
  countedBy: 'counters' | 'approvals' | 'trusted browsers';
  /** The file that enforces it. */
  enforcedIn: string;
}

export const LIMITS = {
  oneTimeCodeTries: {
    protects: 'guessing an e-mailed or texted one-time code (6 digits)',
    key: 'one issued code (its purpose, owner and hash)',
    windowSeconds: { setting: 'oneTimeCode.attemptWindowSeconds' },
    cap: { setting: 'oneTimeCode.maxAttempts' },
    atCap: 'that code stops working (`too_many_attempts`: ask for a new one); other codes, and new ones within the mail or SMS budget, are not affected, so wrong codes typed by a stranger lock nobody out',
    countedBy: 'counters',
    enforcedIn: 'src/one-time-codes/one-time-code-service.ts',
  },
  passwordTriesPerAccountMinute: {
    protects: 'guessing one account\'s password, fast',
    key: 'a hash of the e-mail address as typed, normalised (an address without an account is counted alike)',
    windowSeconds: 60,
    cap: 5,
    atCap: 'password sign-in for that address answers `sign_in_throttled` (429, Retry-After) until the minute is over; passkey and push sign-in are not affected; a right password clears the count',
    countedBy: 'counters',
    enforcedIn: 'src/accounts/password-throttle.ts',
  },
  passwordTriesPerAccountHour: {
    protects: 'guessing one account\'s password, slowly',
    key: 'as `passwordTriesPerAccountMinute`',
    windowSeconds: 3600,
    cap: 20,
    atCap: 'as above, until the hour is over',
    countedBy: 'counters',
    enforcedIn: 'src/accounts/password-throttle.ts',
  },
  passwordTriesPerAccountDay: {
    protects: 'guessing one account\'s password over a day (NIST SP 800-63B-4 §3.2.2: at most 100 failures)',
    key: 'as `passwordTriesPerAccountMinute`',
    windowSeconds: 86400,
    cap: 100,
    atCap: 'as above, until the day is over or the owner resets the password by e-mail (the reset clears all three counts)',
    countedBy: 'counters',
    enforcedIn: 'src/accounts/password-throttle.ts',
  },
  passwordTriesPerSource: {
    protects: 'guessing passwords of many accounts from one place',
    key: 'source address (IPv6: its /64), as `TRUST_PROXY` lets tobira see it',
    windowSeconds: 3600,
    cap: 300,
    atCap: 'password sign-in from that address answers `sign_in_throttled` (429, Retry-After) until the hour is over; right passwords count too, since tries are counted before they are checked',
    countedBy: 'counters',
    enforcedIn: 'src/accounts/password-throttle.ts',
  },
  resetMailsPerAddress: {
    protects: 'mail bombing through password reset',
    key: 'a hash of the e-mail address as typed, normalised (with or without an account)',
    windowSeconds: { setting: 'oneTimeCode.ttlSeconds' },
    cap: 3,
    atCap: 'no new code is made or mailed; the page goes on to the code step and says to use a code already received (the last three stay valid: a new request never replaces the owner\'s code while within the cap)',
    countedBy: 'counters',
    enforcedIn: 'src/flows/password-reset/service.ts',
  },
  resetMailsPerSource: {
    protects: 'mail bombing of many addresses through password reset from one place',
    key: 'source address (IPv6: its /64)',
    windowSeconds: 3600,
    cap: 10,
    atCap: 'as `resetMailsPerAddress`: no new code, the page says to use a code already received',
    countedBy: 'counters',
    enforcedIn: 'src/flows/password-reset/service.ts',
  },
  signupMailsPerAddress: {
    protects: 'mail bombing through sign-up',
    key: 'a hash of the e-mail address as typed, normalised (with or without an account)',
    windowSeconds: { setting: 'oneTimeCode.ttlSeconds' },
    cap: 3,
    atCap: 'no mail is sent; the page answers `mail_budget_spent` (429, Retry-After) for every address alike',
    countedBy: 'counters',
    enforcedIn: 'src/flows/signup/service.ts',
  },
  signupMailsPerSource: {
    protects: 'mail bombing of many addresses through sign-up from one place',
    key: 'source address (IPv6: its /64)',
    windowSeconds: 3600,
    cap: 10,
    atCap: 'as `signupMailsPerAddress`',
    countedBy: 'counters',
    enforcedIn: 'src/flows/signup/service.ts',
  },
  signupPasswordTries: {
    protects: 'endless password-strength checks (a worker-thread job each) on one proven sign-up',
    key: 'a hash of the e-mail address the sign-up proved with its code',
    windowSeconds: { setting: 'oneTimeCode.ttlSeconds' },
    cap: 10,
    atCap: 'the password is not checked; the page answers `signup_password_tries_spent` (429, Retry-After)',
    countedBy: 'counters',
    enforcedIn: 'src/flows/signup/service.ts',
  },
  contactCodes: {
    protects: 'SMS cost and spam: codes sent to new contact addresses',
    key: 'account id and contact kind (e-mail or mobile)',
    windowSeconds: 3600,
    cap: 10,
    atCap: 'no further code is sent for that kind this hour',
    countedBy: 'counters',
    enforcedIn: 'src/contacts/contact-service.ts',
  },
  phoneChangeStarts: {
    protects: 'mail and SMS bombing through phone change (each start sends both)',
    key: 'account id (or a hash of the account ID as typed when no such account exists) and source address',
    windowSeconds: 3600,
    cap: 5,
    atCap: 'further starts from that source are refused this hour (`phone_change_rate_limited`); starts from elsewhere, the owner\'s, go on',
    countedBy: 'counters',
    enforcedIn: 'src/flows/phone-change/service.ts',
  },
  phoneChangeStartsPerAccount: {
    protects: 'SMS cost: phone change started for one account from many places',
    key: 'account id, or a hash of the account ID as typed when no such account exists',
    windowSeconds: 3600,
    cap: 15,
    atCap: 'further starts are refused this hour (`phone_change_rate_limited`)',
    countedBy: 'counters',
    enforcedIn: 'src/flows/phone-change/service.ts',
  },
  recoveryRequests: {
    protects: 'flooding operators and account owners with recovery requests',
    key: 'the account ID (sign-in e-mail) as typed, normalised, and source address',
    windowSeconds: 3600,
    cap: 3,
    atCap: 'further requests from that source are refused (`recovery_throttled`, audited as `recovery.throttled`); a request from elsewhere, the owner\'s, is filed',
    countedBy: 'counters',
    enforcedIn: 'src/flows/recovery/service.ts',
  },
  recoveryRequestsPerSource: {
    protects: 'flooding operators with recovery requests for many accounts from one place',
    key: 'source address (IPv6: its /64)',
    windowSeconds: 3600,
    cap: 10,
    atCap: 'as `recoveryRequests`',
    countedBy: 'counters',
    enforcedIn: 'src/flows/recovery/service.ts',
  },
  phoneHandoffStarts: {
    protects: 'a signed-in PC showing phone set-up codes without end (each is a record and an audit entry)',
    key: 'account id',
    windowSeconds: 3600,
    cap: 10,
    atCap: 'no further code is shown for the account this hour',
    countedBy: 'counters',
    enforcedIn: 'src/flows/phone-handoff/service.ts',
  },
  phoneHandoffCodeTries: {
    protects: 'guessing a phone set-up code (8 letters, live a few minutes, single use) from a phone that is not signed in',
    key: 'source address (IPv6: its /64), as `TRUST_PROXY` lets tobira see it: the phone is not signed in, so there is no account to count against',
    windowSeconds: 600,
    cap: 30,
    atCap: 'every further code from that address is refused until the window ends (`phone_handoff_rate_limited`); phones elsewhere, the owner\'s, go on',
    countedBy: 'counters',
    enforcedIn: 'src/flows/phone-handoff/service.ts',
  },
  clientSecretFailuresPerSource: {
    protects: 'CPU exhaustion by guessing the secret of a partner kept in the store (each check is one scrypt run)',
    key: 'source address (IPv6: its /64), as `TRUST_PROXY` lets tobira see it; wrong secrets only',
    windowSeconds: 600,
    cap: 30,
    atCap: 'client authentication with a stored secret from that address is refused (`invalid_client`) without a check until the window ends; back ends elsewhere, the partner\'s, go on',
    countedBy: 'counters',
    enforcedIn: 'src/oidc/store-clients.ts',
  },
  pushDenials: {
    protects: 'push-approval fatigue: repeated unwanted approval requests',
    key: 'account id',
    windowSeconds: { setting: 'push.denialWindowSeconds' },
    cap: { setting: 'push.denialLimit' },
    atCap: 'push sign-in is blocked for `push.blockSeconds` (at once after "This wasn\'t me")',
    countedBy: 'counters',
    enforcedIn: 'src/flows/push-approval/service.ts',
  },
  pushPending: {
    protects: 'push-approval fatigue: many open requests at once',
    key: 'account id',
    windowSeconds: null,
    cap: { setting: 'push.maxPending' },
    atCap: 'a new push sign-in request is refused while this many are pending (counted with the creation: simultaneous requests never exceed it)',
    countedBy: 'approvals',
    enforcedIn: 'src/flows/push-approval/service.ts',
  },
  pushRequests: {
    protects: 'push-approval fatigue: many requests over time',
    key: 'account id',
    windowSeconds: 3600,
    cap: { setting: 'push.maxPerHour' },
    atCap: 'new push sign-in requests are refused until the oldest of the hour is an hour old (a sliding window; counted with the creation: simultaneous requests never exceed it)',
    countedBy: 'approvals',
    enforcedIn: 'src/flows/push-approval/service.ts',
  },
  pushWrongNumbers: {
    protects: 'a blind pick approving someone else\'s sign-in (choose-from-3 succeeds 1 time in 3): after a wrong number, no more number-matched requests for a while',
    key: 'account id',
    windowSeconds: { setting: 'push.wrongNumberPauseSeconds' },
    cap: 1,
    atCap: 'push sign-in from browsers that are not trusted is refused (`push_paused`) until the window ends, and the account is told by e-mail; trusted browsers, passkeys and CIBA keep working',
    countedBy: 'counters',
    enforcedIn: 'src/flows/push-approval/service.ts',
  },
  trustedBrowsers: {
    protects: 'an account\'s trusted browsers piling up without end (every passkey sign-in from a new browser trusts it), each a record in the store and a line on the account\'s browsers page',
    key: 'account id',
    windowSeconds: null,
    cap: 20,
    atCap: 'the least recently used browsers past the cap stop being trusted at the next housekeeping run (every `SWEEP_INTERVAL_SECONDS`; in between an account may hold a few more): their next phone approval shows a number again, and nothing else about them changes (sessions, passkeys and the account are kept). A browser unused for `TRUSTED_BROWSER_DAYS` is no longer trusted either: its cookie has expired by then',
    countedBy: 'trusted browsers',
    enforcedIn: 'src/browsers/trusted-browser-service.ts',
  },
  auditUnauthenticated: {
    protects: 'growth of the audit store by strangers: events that concern no account (unknown passkeys, refused operator calls, requests naming no account)',
    key: 'source address (as tobira sees it: behind a proxy with `TRUST_PROXY`, the forwarded client address)',
    windowSeconds: 3600,
    cap: 100,
    atCap: 'further such events from that address are not stored this hour (each is still written to the process log at info level); requests themselves are not refused, and the events of an operator who proved who it is (console session, personal or bootstrap token) or of tobira\'s own key schedule are always kept',
    countedBy: 'counters',
    enforcedIn: 'src/audit/audit-log.ts',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The limits the rate limiter counts (the others are counted from their own records). */
export type CountedLimitName = { [N in LimitName]: (typeof LIMITS)[N]['countedBy'] extends 'counters' ? N : never }[LimitName];

/** The value of a fixed or configured amount under these settings. */
export function amountOf(amount: Amount, settings: LimitSettings): number {
  return typeof amount === 'number' ? amount : SETTINGS[amount.setting](settings);
}
