// How strongly the user was authenticated, as partner services see it in `acr` and `amr`.
// One place decides it for every login method, so a method can never claim more than it proved.

/** Authentication Context Class References that tobira issues. */
export const ACR = {
  /** OpenID EAP ACR Values 1.0 "phishing-resistant": passkeys. */
  PHISHING_RESISTANT: 'phr',
  /**
   * Approved on the user's phone after the user typed the six digits the sign-in screen showed: the
   * transfer of a secret from the primary channel to the out-of-band device that NIST SP 800-63B-4
   * §3.1.3 asks of out-of-band authentication. Not phishing-resistant either.
   */
  PUSH_TYPED: 'urn:tobira:acr:push:typed',
  /**
   * Approved on the user's phone after a push, with the number picked among three, or with no
   * number (a trusted browser, or CIBA): strong, but the user could be tricked into it.
   */
  PUSH: 'urn:tobira:acr:push',
  /** Something the user knows, nothing else. */
  PASSWORD: 'urn:tobira:acr:password',
} as const;

export type Acr = (typeof ACR)[keyof typeof ACR];

/** The ACR values tobira can satisfy, strongest first (published in discovery). */
export const SUPPORTED_ACR_VALUES: readonly Acr[] = [ACR.PHISHING_RESISTANT, ACR.PUSH_TYPED, ACR.PUSH, ACR.PASSWORD];

/** How a push approval was matched to the browser that asked (store/ports/approvals.ts). */
export type PushMatching = 'none' | 'choose' | 'type';

export type LoginMethod =
  | { kind: 'password' }
  /**
   * Approved on a set-up phone; `userVerified` when the phone's assertion carried user
   * verification; `matching`: the number the user picked (choose), typed (type), or none.
   */
  | { kind: 'push'; userVerified: boolean; matching: PushMatching }
  /** `hardwareBound`: a device-bound credential that is not backed up (cannot leave the device). */
  | { kind: 'passkey'; hardwareBound: boolean; userVerified: boolean };

export interface Assurance {
  acr: Acr;
  /** RFC 8176 Authentication Method Reference values. */
  amr: string[];
}

export function assuranceOf(method: LoginMethod): Assurance {
  switch (method.kind) {
    case 'password':
      return { acr: ACR.PASSWORD, amr: ['pwd'] };
    case 'push':
      // Not phishing-resistant (the user may approve a sign-in a phisher started): never phr.
      // RFC 8176 mca = multiple-channel authentication.
      return { acr: method.matching === 'type' ? ACR.PUSH_TYPED : ACR.PUSH, amr: ['mca', 'user', ...(method.userVerified ? ['mfa'] : [])] };
    case 'passkey':
      // RFC 8176: hwk/swk = proof of possession of a hardware/software-secured key; user = user
      // presence; mfa = the key plus the user verification (biometrics or screen lock).
      return {
        acr: ACR.PHISHING_RESISTANT,
        amr: [method.hardwareBound ? 'hwk' : 'swk', 'user', ...(method.userVerified ? ['mfa'] : [])],
      };
  }
}

/**
 * True when a sign-in proved possession of one of the account's authenticators: a passkey, or a
 * phone approval (itself an assertion with the phone's passkey). Not a password, nor an unknown
 * `acr`. What adding a way in to an account that has a passkey needs (http/account-guard.ts).
 */
export function provesPossession(acr: string | undefined): boolean {
  return acr !== undefined && acr !== ACR.PASSWORD && (SUPPORTED_ACR_VALUES as readonly string[]).includes(acr);
}

/**
 * True when the partner accepts nothing below phishing-resistant: every ACR it named, in
 * `acr_values` or as the ID token's `acr` claim request, is `phr`. tobira treats acr_values as a
 * requirement here, not only as the voluntary hint the spec allows, because a partner asking for
 * phr alone has said it needs it.
 */
export function requiresPhishingResistant(acrValues: unknown, claims: unknown): boolean {
  const requested = requestedAcrs(acrValues, claims);
  return requested.length > 0 && requested.every((value) => value === ACR.PHISHING_RESISTANT);
}

/** What meets a typed-number requirement: the typed push approval, or anything phishing-resistant. */
const TYPED_OR_STRONGER: ReadonlySet<string> = new Set([ACR.PHISHING_RESISTANT, ACR.PUSH_TYPED]);

/**
 * True when the partner accepts nothing below a push approval with the number typed: every ACR it
 * named is the typed push or phr, and the typed push is among them (phr alone is
 * requiresPhishingResistant). Like phr, treated as a requirement: a password or a picked number
 * does not do, and the phone makes the user type the six digits even in a trusted browser.
 */
export function requiresTypedPush(acrValues: unknown, claims: unknown): boolean {
  const requested = requestedAcrs(acrValues, claims);
  return requested.includes(ACR.PUSH_TYPED) && requested.every((value) => TYPED_OR_STRONGER.has(value));
}

/** Whether a sign-in with this `acr` meets a typed-push requirement. */
export function meetsTypedPush(acr: unknown): boolean {
  return typeof acr === 'string' && TYPED_OR_STRONGER.has(acr);
}

/** Every ACR the partner named, in `acr_values` or as the ID token's `acr` claim request. */
function requestedAcrs(acrValues: unknown, claims: unknown): string[] {
  const requested: string[] = [];
  if (typeof acrValues === 'string') requested.push(...acrValues.split(' ').filter(Boolean));
  const acrClaim = (claims as { id_token?: { acr?: { value?: unknown; values?: unknown } } } | undefined)?.id_token?.acr;
  if (typeof acrClaim?.value === 'string') requested.push(acrClaim.value);
  if (Array.isArray(acrClaim?.values)) requested.push(...acrClaim.values.filter((v): v is string => typeof v === 'string'));
  return requested;
}
