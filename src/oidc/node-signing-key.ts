// ID tokens (and JWT access tokens) signed by node:crypto's one-shot sign() on a key imported once,
// instead of jose's WebCrypto path, through oidc-provider's own hook for keys held elsewhere
// (`ExternalSigningKey`, features.externalSigningSupport): oidc-provider still builds and
// serialises the JWS (lib/helpers/jwt.js), this class only turns its signing input into a
// signature. Why: every refresh and every code redemption signs an ID token, and WebCrypto's
// per-call work (algorithm normalisation, a job promise, P1363 output) cost more than the ES256
// signature itself (measured on the signing input alone: ES256 134 µs through jose, 39 µs here;
// RS256 994 → 711 µs). The JWS algorithm → node:crypto parameters below are RFC 7518 §3.
import { createPrivateKey, createPublicKey, sign, constants, type JsonWebKey as NodeJsonWebKey, type KeyObject } from 'node:crypto';
import { derToJose } from 'ecdsa-sig-formatter';
import { ExternalSigningKey } from 'oidc-provider';
import type { JWK } from 'jose';

/** The feature's version tobira was written against: an oidc-provider that changes it refuses to start. */
export const EXTERNAL_SIGNING_ACK = 'experimental-01';

type Signer = (data: Uint8Array, key: KeyObject) => Uint8Array;

// sign() with the bare KeyObject: Node 24 spends ~20 µs more per call on an options object, and
// ~20 µs more again for `dsaEncoding: 'ieee-p1363'` (measured: ES256 32 / 54 / 76 µs), so ECDSA
// signs in DER and ecdsa-sig-formatter (the conversion jsonwebtoken's jwa uses) turns it into JWS's
// r ‖ s (RFC 7518 §3.4).
const ecdsa = (digest: string, alg: string): Signer => (data, key) => Buffer.from(derToJose(sign(digest, data, key), alg), 'base64url');

const SIGNERS: Record<string, Signer> = {
  RS256: (data, key) => sign('sha256', data, key),
  PS256: (data, key) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  ES256: ecdsa('sha256', 'ES256'),
  ES384: ecdsa('sha384', 'ES384'),
  // Ed25519 / Ed448 hash inside the algorithm.
  EdDSA: (data, key) => sign(null, data, key),
  Ed25519: (data, key) => sign(null, data, key),
};

export class NodeSigningKey extends ExternalSigningKey {
  readonly #kid: string;
  readonly #alg: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #signer: Signer;

  constructor(jwk: JWK) {
    super();
    const signer = typeof jwk.alg === 'string' ? SIGNERS[jwk.alg] : undefined;
    if (!signer || typeof jwk.kid !== 'string') throw new TypeError(`a signing key needs a kid and one of ${Object.keys(SIGNERS).join(', ')} as alg`);
    this.#kid = jwk.kid;
    this.#alg = jwk.alg!;
    this.#signer = signer;
    this.#privateKey = createPrivateKey({ key: jwk as NodeJsonWebKey, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
  }

  override get kid(): string { return this.#kid; }

  override get alg(): string { return this.#alg; }

  /** The public half: oidc-provider publishes it (/jwks) and verifies its own tokens with it. */
  override keyObject(): KeyObject { return this.#publicKey; }

  override sign(data: Uint8Array): Uint8Array {
    return this.#signer(data, this.#privateKey);
  }
}

/** The keys as oidc-provider's `jwks` configuration takes them, each signing through node:crypto. */
export function providerSigningKeys(jwks: { keys: readonly JWK[] }): { keys: NodeSigningKey[] } {
  return { keys: jwks.keys.map((key) => new NodeSigningKey(key)) };
}
