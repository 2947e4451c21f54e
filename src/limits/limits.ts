// Every limit in the product, in one table: what it protects, what it counts per (the key), over
// which window, the cap, and where the cap is configured. A cap or window read from a setting names
// the setting; "fixed" ones are constants here and nowhere else. docs/limits.md lists this table
// for readers; src/limits/limits.test.ts fails when the two disagree.
//
// Limits counted by the rate limiter live in the store's windowed counters under
// `<limit name>:<subject>`; the two push-approval limits are counted from the stored approvals
// themselves, so they have no counter, only a row here.

/** The settings limits read, as the loaded Settings have them. */
export interface LimitSettings {
  oneTimeCode: { maxAttempts: number; attemptWindowSeconds: number };
  push: { denialLimit: number; denialWindowSeconds: number; maxPending: number; maxPerHour: number };
}

/** Where a configured value comes from: the setting's path, and how to read it. */
const SETTINGS = {
  'oneTimeCode.maxAttempts': (s: LimitSettings) => s.oneTimeCode.maxAttempts,
  'oneTimeCode.attemptWindowSeconds': (s: LimitSettings) => s.oneTimeCode.attemptWindowSeconds,
  'push.denialLimit': (s: LimitSettings) => s.push.denialLimit,
  'push.denialWindowSeconds': (s: LimitSettings) => s.push.denialWindowSeconds,
  'push.maxPending': (s: LimitSettings) => s.push.maxPending,
  'push.maxPerHour': (s: LimitSettings) => s.push.maxPerHour,
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
  countedBy: 'counters' | 'approvals';
  /** The file that enforces it. */
  enforcedIn: string;
}

export const LIMITS = {
  oneTimeCodeTries: {
    protects: 'guessing an e-mailed or texted one-time code (6 digits)',
    key: "the code's attempts key: its purpose and owner (a phone change's two codes share one)",
    windowSeconds: { setting: 'oneTimeCode.attemptWindowSeconds' },
    cap: { setting: 'oneTimeCode.maxAttempts' },
    atCap: 'every further try, even with the right code, and new codes for the key are refused until the window ends; a new code does not reset the count',
    countedBy: 'counters',
    enforcedIn: 'src/one-time-codes/one-time-code-service.ts',
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
    key: 'account id, or a hash of the account ID as typed when no such account exists',
    windowSeconds: 3600,
    cap: 5,
    atCap: 'further starts are refused this hour',
    countedBy: 'counters',
    enforcedIn: 'src/flows/phone-change/service.ts',
  },
  recoveryRequests: {
    protects: 'flooding operators and account owners with recovery requests',
    key: 'the account ID (sign-in e-mail) as typed, normalised',
    windowSeconds: 3600,
    cap: 3,
    atCap: 'further requests are dropped (audited as `recovery.throttled`); the page answers as usual',
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
    key: "the client's IP address (the one per-address limit: nobody else is signed in here to count against)",
    windowSeconds: 600,
    cap: 30,
    atCap: 'every further code from that address is refused until the window ends',
    countedBy: 'counters',
    enforcedIn: 'src/flows/phone-handoff/service.ts',
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
    atCap: 'a new push sign-in request is refused while this many are pending',
    countedBy: 'approvals',
    enforcedIn: 'src/flows/push-approval/service.ts',
  },
  pushRequests: {
    protects: 'push-approval fatigue: many requests over time',
    key: 'account id',
    windowSeconds: 3600,
    cap: { setting: 'push.maxPerHour' },
    atCap: 'new push sign-in requests are refused until the oldest of the hour is an hour old (a sliding window)',
    countedBy: 'approvals',
    enforcedIn: 'src/flows/push-approval/service.ts',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The limits the rate limiter counts (the others are counted from their own records). */
export type CountedLimitName = { [N in LimitName]: (typeof LIMITS)[N]['countedBy'] extends 'counters' ? N : never }[LimitName];

/** The value of a fixed or configured amount under these settings. */
export function amountOf(amount: Amount, settings: LimitSettings): number {
  return typeof amount === 'number' ? amount : SETTINGS[amount.setting](settings);
}
