// ID tokens (and JWT access tokens) signed by node:crypto's one-shot sign() on a key imported once,
// instead of jose's WebCrypto path, through oidc-provider's own hook for keys held elsewhere
// (`ExternalSigningKey`, features.externalSigningSupport): oidc-provider still builds and
// serialises the JWS (lib/helpers/jwt.js), this class only turns its signing input into a
// signature. Why: every refresh and every code redemption signs an ID token, and WebCrypto's
// per-call work (algorithm normalisation, a job promise) cost as much again as the ES256 signature
// itself (measured: 0.18–0.20 ms per ES256 ID token through jose, 0.10 ms through sign();
// RS256 0.81 → 0.73 ms). The JWS algorithm → node:crypto parameters below are RFC 7518 §3.
import { createPrivateKey, createPublicKey, sign, constants, type JsonWebKey as NodeJsonWebKey, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import type { JWK } from 'jose';

/** The feature's version tobira was written against: an oidc-provider that changes it refuses to start. */
export const EXTERNAL_SIGNING_ACK = 'experimental-01';

interface SignParameters { digest: string | null; dsaEncoding?: 'ieee-p1363'; padding?: number; saltLength?: number }

const PARAMETERS: Record<string, SignParameters> = {
  RS256: { digest: 'sha256' },
  PS256: { digest: 'sha256', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
  // JWS carries ECDSA signatures as r ‖ s (§3.4), not DER.
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  ES384: { digest: 'sha384', dsaEncoding: 'ieee-p1363' },
  // Ed25519 / Ed448 hash inside the algorithm.
  EdDSA: { digest: null },
  Ed25519: { digest: null },
};

export class NodeSigningKey extends ExternalSigningKey {
  readonly #kid: string;
  readonly #alg: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #parameters: SignParameters;

  constructor(jwk: JWK) {
    super();
    const parameters = typeof jwk.alg === 'string' ? PARAMETERS[jwk.alg] : undefined;
    if (!parameters || typeof jwk.kid !== 'string') throw new TypeError(`a signing key needs a kid and one of ${Object.keys(PARAMETERS).join(', ')} as alg`);
    this.#kid = jwk.kid;
    this.#alg = jwk.alg!;
    this.#parameters = parameters;
    this.#privateKey = createPrivateKey({ key: jwk as NodeJsonWebKey, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
  }

  override get kid(): string { return this.#kid; }

  override get alg(): string { return this.#alg; }

  /** The public half: oidc-provider publishes it (/jwks) and verifies its own tokens with it. */
  override keyObject(): KeyObject { return this.#publicKey; }

  override sign(data: Uint8Array): Uint8Array {
    const { digest, ...options } = this.#parameters;
    const key: SignKeyObjectInput = { key: this.#privateKey, ...options };
    return sign(digest, data, key);
  }
}

/** The keys as oidc-provider's `jwks` configuration takes them, each signing through node:crypto. */
export function providerSigningKeys(jwks: { keys: readonly JWK[] }): { keys: NodeSigningKey[] } {
  return { keys: jwks.keys.map((key) => new NodeSigningKey(key)) };
}
