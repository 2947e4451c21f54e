// How strongly the user was authenticated, as partner services see it in `acr` and `amr`.
// One place decides it for every login method, so a method can never claim more than it proved.

/** Authentication Context Class References that tobira issues. */
export const ACR = {
  /** OpenID EAP ACR Values 1.0 "phishing-resistant": passkeys. */
  PHISHING_RESISTANT: 'phr',
  /** Something the user knows, nothing else. */
  PASSWORD: 'urn:tobira:acr:password',
} as const;

export type Acr = (typeof ACR)[keyof typeof ACR];

/** The ACR values tobira can satisfy, strongest first (published in discovery). */
export const SUPPORTED_ACR_VALUES: readonly Acr[] = [ACR.PHISHING_RESISTANT, ACR.PASSWORD];

/** Login methods. Later methods (passkey, phone approval) add their own variants. */
export type LoginMethod = { kind: 'password' };

export interface Assurance {
  acr: Acr;
  /** RFC 8176 Authentication Method Reference values. */
  amr: string[];
}

export function assuranceOf(method: LoginMethod): Assurance {
  switch (method.kind) {
    case 'password':
      return { acr: ACR.PASSWORD, amr: ['pwd'] };
  }
}
