// What the sign-in page offers after the e-mail, and in which order: THE rule (docs/security.md,
// "What the sign-in page shows and why").
//
// The page must not tell a stranger who types an address whether it has an account, nor what the
// account has. So the plan is made from two kinds of input only:
// - what the browser itself reports about itself (WebAuthn, a platform authenticator, a phone's
//   screen): the same for every address typed in it;
// - the account's ways in, but only when this browser has already proven a link to exactly the
//   typed account (browser-link.ts: its own remembered-account, trusted-browser or phone cookie,
//   which only the browser that signed in holds). Any other address, known or not, gets the
//   general plan, which depends on the browser alone.
// What the partner requires (phr, typed push) narrows both.

/** A way to sign in on this page. */
export type Way = 'passkey' | 'push' | 'password';

/** What the browser says about itself (public/js/login.js); it only orders the ways. */
export interface BrowserSignals {
  /** WebAuthn is there at all. */
  webauthn: boolean;
  /** A user-verifying platform authenticator (Touch ID, Windows Hello, a phone's screen lock). */
  platformAuthenticator: boolean;
  /** A phone-sized, touch-first device (the browser's own mobile hint). */
  mobile: boolean;
}

/** What the partner service requires of this sign-in. */
export interface Requirement {
  /** Only a passkey (acr phr). */
  phr: boolean;
  /** A passkey or a push approval with the number typed; no password (acr push:typed). */
  typedPush: boolean;
}

/** The typed account's ways in; known only when this browser proved a link to that account. */
export interface LinkedAccount {
  /** Passkeys that are not a set-up phone's own (a PC's, a security key, a synced one). */
  passkeys: number;
  /** Phones set up for push approvals. */
  phones: number;
  /** The account has a password (and is not "always passkey"). */
  password: boolean;
  alwaysPasskey: boolean;
  /** This browser is one of the account's set-up phones. */
  thisBrowserIsItsPhone: boolean;
}

export interface SignInPlan {
  /** The one main action. */
  primary: Way;
  /** Folded under "other ways to sign in", in this order. */
  others: Way[];
  /**
   * Start the primary action at once, without a second press: only for a linked account, where it
   * is known to work (its passkey; its phone when it is "always passkey", as the seed did).
   */
  startAtOnce: boolean;
}

function allowed(way: Way, signals: BrowserSignals, requirement: Requirement): boolean {
  if (way === 'passkey') return signals.webauthn || requirement.phr;
  if (requirement.phr) return false;
  return way === 'push' || !requirement.typedPush;
}

function planOf(order: Way[], startAtOnce: boolean): SignInPlan {
  const [primary, ...others] = order as [Way, ...Way[]];
  return { primary, others, startAtOnce };
}

/**
 * The plan for a browser without a proven link to the typed address: from the browser alone, so
 * every address typed in it (registered or not) gets exactly this. A phone with a screen lock
 * signs in with its passkey; a PC is most likely to be typed at by someone with a password, and
 * its other ways (the phone, a passkey from elsewhere) are one fold away.
 */
export function generalPlan(signals: BrowserSignals, requirement: Requirement): SignInPlan {
  const order: Way[] = signals.mobile && signals.platformAuthenticator ? ['passkey', 'password', 'push'] : ['password', 'push', 'passkey'];
  return planOf(order.filter((way) => allowed(way, signals, requirement)), false);
}

/**
 * The plan for the account this browser is linked to: only what the account can do. On its own
 * phone, its passkey; on a PC with a phone set up, notifying the phone (sent at once for an
 * always-passkey account, which has nothing else to type); otherwise its passkey, then its
 * password. An account with nothing this sign-in accepts gets the general plan (the page then
 * explains the refusal as for anyone).
 */
export function linkedPlan(signals: BrowserSignals, requirement: Requirement, account: LinkedAccount): SignInPlan {
  const can: Record<Way, boolean> = {
    passkey: allowed('passkey', signals, requirement) && (account.passkeys > 0 || account.thisBrowserIsItsPhone),
    push: allowed('push', signals, requirement) && account.phones > (account.thisBrowserIsItsPhone ? 1 : 0),
    password: allowed('password', signals, requirement) && account.password && !account.alwaysPasskey,
  };
  const order: Way[] = account.thisBrowserIsItsPhone ? ['passkey', 'push', 'password']
    : can.push && !signals.mobile ? ['push', 'passkey', 'password']
      : ['passkey', 'push', 'password'];
  const ways = order.filter((way) => can[way]);
  if (ways.length === 0) return generalPlan(signals, requirement);
  const primary = ways[0];
  const startAtOnce = primary === 'passkey' || (primary === 'push' && account.alwaysPasskey);
  return planOf(ways, startAtOnce);
}

/** THE rule: the linked account's plan only when there is one, else the general plan. */
export function signInPlan(signals: BrowserSignals, requirement: Requirement, linked: LinkedAccount | undefined): SignInPlan {
  return linked ? linkedPlan(signals, requirement, linked) : generalPlan(signals, requirement);
}
