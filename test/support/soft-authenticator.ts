// A software WebAuthn authenticator (plus the browser's part of the ceremony) for protocol tests.
//
// It produces the exact JSON that @simplewebauthn/browser's startRegistration/startAuthentication
// POST (RegistrationResponseJSON / AuthenticationResponseJSON, base64url fields), with real keys
// and real signatures, so tobira's server-side verification runs for real. Test code only.
//
// What it emulates:
// - authenticatorMakeCredential: a fresh key pair (P-256 for ES256, RSA-2048 for RS256), a random
//   credential ID, authenticator data per WebAuthn §6.1 with attested credential data, and an
//   attestation object `{ fmt: 'none', attStmt: {} }` (or `packed` self attestation on request).
// - authenticatorGetAssertion: authenticator data without attested credential data, signed
//   together with SHA-256(clientDataJSON); the signature counter advances by `counterStep`.
// - the browser: clientDataJSON, the RP ID / origin check, allowCredentials / excludeCredentials.
//
// The credential is resident (discoverable): it remembers the RP ID, the user handle (user.id of
// the creation options) and its counter. One SoftAuthenticator holds at most one credential.
//
// CBOR comes from @levischuck/tiny-cbor (already installed as a dependency of
// @simplewebauthn/server): its encoder writes Maps with integer and text keys, byte strings,
// negative integers and small ints in insertion order, which is all COSE keys and attestation
// objects need. Caveat: it writes a text string's length in UTF-16 code units rather than UTF-8
// bytes, so only ASCII text strings may be encoded with it (every text string here is ASCII).
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/** Authenticator data flag bits (WebAuthn §6.1). */
export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
export const FLAG_BE = 0x08;
export const FLAG_BS = 0x10;
export const FLAG_AT = 0x40;
export const FLAG_ED = 0x80;

/** COSE algorithm identifiers. */
export const COSE_ALG_ES256 = -7;
export const COSE_ALG_RS256 = -257;

export type SoftAlg = 'ES256' | 'RS256';

export interface SoftAuthenticatorOptions {
  alg: SoftAlg;
  /** The origin the "browser" is on; goes into clientDataJSON. */
  origin: string;
  /** RP ID used when the options carry none (and the RP ID the browser checks against the origin). */
  rpId: string;
  /** AAGUID as a UUID string; defaults to all zeros (what platform authenticators send with 'none'). */
  aaguid?: string;
  /** BE flag: a synced passkey (multiDevice). Default false. */
  backupEligible?: boolean;
  /** BS flag: currently backed up. Default false. BS without BE is invalid, and allowed on purpose. */
  backedUp?: boolean;
  /** signCount reported at registration. Default 0. */
  startCounter?: number;
  /** How much the counter advances per assertion. Default 1; 0 emulates synced passkeys (always 0). */
  counterStep?: number;
  /** Attestation statement format. Default 'none'; 'packed' is self attestation (signed by the credential key). */
  attestation?: 'none' | 'packed';
  /** authenticatorAttachment reported in the response JSON. Default 'platform'. */
  attachment?: 'platform' | 'cross-platform';
  /** transports reported in the registration response JSON. Default ['internal', 'hybrid']. */
  transports?: string[];
}

/**
 * Knobs to build bad inputs. Everything except the mutate* hooks is applied BEFORE signing (so the
 * signature is valid over the bad data); the mutate* hooks run AFTER signing (so the signature no
 * longer matches).
 */
export interface Tamper {
  /** clientData.origin */
  origin?: string;
  /** RP ID whose SHA-256 goes into authenticatorData.rpIdHash. */
  rpId?: string;
  /** clientData.type */
  type?: string;
  /** clientData.challenge, used verbatim. */
  challenge?: string;
  /** UP flag (default true). */
  userPresent?: boolean;
  /** UV flag (default true). */
  userVerified?: boolean;
  /** Force the reported signCount (the authenticator's own counter still advances as usual). */
  counter?: number;
  /** Assertion userHandle: a string replaces the stored one, null leaves it out. */
  userHandle?: string | null;
  /** Claim another credential ID in the JSON `id`/`rawId` (authenticator data keeps the real one). */
  credentialId?: string;
  /** Extra members merged into clientData before signing (e.g. crossOrigin, topOrigin, tokenBinding). */
  extraClientData?: Record<string, unknown>;
  /** Rewrite clientDataJSON bytes after signing. */
  mutateClientDataJSON?: (bytes: Uint8Array) => Uint8Array;
  /** Rewrite authenticator data bytes after signing (for registration: before CBOR-wrapping). */
  mutateAuthenticatorData?: (bytes: Uint8Array) => Uint8Array;
  /** Rewrite the signature after signing (assertion signature, or the packed attestation `sig`). */
  mutateSignature?: (bytes: Uint8Array) => Uint8Array;
}

/** The subset of PublicKeyCredentialCreationOptionsJSON the authenticator reads. */
export interface SoftRegistrationOptions {
  challenge: string;
  rp: { id?: string; name?: string };
  user: { id: string; name?: string; displayName?: string };
  pubKeyCredParams?: { alg: number; type?: string }[];
  excludeCredentials?: { id: string; type?: string; transports?: string[] }[];
  extensions?: { credProps?: boolean };
}

/** The subset of PublicKeyCredentialRequestOptionsJSON the authenticator reads. */
export interface SoftAuthenticationOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string; type?: string; transports?: string[] }[];
  userVerification?: string;
}

interface Credential {
  id: Uint8Array;
  privateKey: KeyObject;
  publicKey: KeyObject;
  cosePublicKey: Uint8Array;
  rpId: string;
  /** base64url, as user.id of the creation options. */
  userHandle: string;
  counter: number;
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Decodes strictly (the browser's atob throws on junk; Buffer would silently skip it). */
function fromB64url(value: string, what: string): Uint8Array {
  if (!BASE64URL.test(value)) throw new TypeError(`${what} is not base64url: ${JSON.stringify(value)}`);
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

function u16be(value: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, false);
  return out;
}

function aaguidBytes(uuid: string | undefined): Uint8Array {
  if (uuid === undefined) return new Uint8Array(16);
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`aaguid is not a UUID: ${uuid}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function coseAlg(alg: SoftAlg): number {
  return alg === 'ES256' ? COSE_ALG_ES256 : COSE_ALG_RS256;
}

/** COSE_Key with integer labels, in CTAP2 canonical order (1, 3, -1, -2, -3). */
function encodeCoseKey(alg: SoftAlg, publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const field = (name: string, value: string | undefined): Uint8Array => {
    if (value === undefined) throw new Error(`public key JWK lacks ${name}`);
    return fromB64url(value, name);
  };
  const key = new Map<string | number, CBORType>();
  if (alg === 'ES256') {
    key.set(1, 2); // kty: EC2
    key.set(3, COSE_ALG_ES256);
    key.set(-1, 1); // crv: P-256
    key.set(-2, field('x', jwk.x));
    key.set(-3, field('y', jwk.y));
  } else {
    key.set(1, 3); // kty: RSA
    key.set(3, COSE_ALG_RS256);
    key.set(-1, field('n', jwk.n));
    key.set(-2, field('e', jwk.e));
  }
  return encodeCBOR(key);
}

/** Signs authData || SHA-256(clientDataJSON): ES256 as DER ECDSA, RS256 as RSASSA-PKCS1-v1_5. */
function signWith(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  // For EC keys node's default dsaEncoding is 'der'; for RSA keys the default padding is PKCS#1 v1.5.
  return new Uint8Array(sign('sha256', data, privateKey));
}

/** Returns a copy of `bytes` with one byte XOR-ed (negative index counts from the end). */
export function flipByte(bytes: Uint8Array, index = -1, mask = 0x01): Uint8Array {
  const out = new Uint8Array(bytes);
  const at = index < 0 ? out.length + index : index;
  if (at < 0 || at >= out.length) throw new RangeError(`flipByte: index ${index} outside ${out.length} bytes`);
  out[at] = (out[at] ?? 0) ^ mask;
  return out;
}

/** Byte offset of the signCount in authenticator data (after rpIdHash(32) and flags(1)). */
export const AUTH_DATA_COUNTER_OFFSET = 33;

export class SoftAuthenticator {
  readonly options: Readonly<SoftAuthenticatorOptions>;
  #credential: Credential | undefined;

  constructor(options: SoftAuthenticatorOptions) {
    this.options = { ...options };
  }

  /** The credential ID (base64url). Throws before register(). */
  get credentialId(): string {
    return b64url(this.#required().id);
  }

  /** The COSE-encoded credential public key, as the server stores it. Throws before register(). */
  get credentialPublicKey(): Uint8Array {
    return new Uint8Array(this.#required().cosePublicKey);
  }

  /** The stored user handle (base64url). Throws before register(). */
  get userHandle(): string {
    return this.#required().userHandle;
  }

  /** The RP ID the credential is bound to. Throws before register(). */
  get rpId(): string {
    return this.#required().rpId;
  }

  /** The authenticator's current signature counter. Throws before register(). */
  get counter(): number {
    return this.#required().counter;
  }

  get registered(): boolean {
    return this.#credential !== undefined;
  }

  /**
   * A second authenticator holding the same key and credential, with its own copy of the counter
   * (as it stands now): emulates a cloned authenticator for counter-regression tests.
   */
  clone(): SoftAuthenticator {
    const copy = new SoftAuthenticator(this.options);
    const credential = this.#required();
    copy.#credential = { ...credential, id: new Uint8Array(credential.id), cosePublicKey: new Uint8Array(credential.cosePublicKey) };
    return copy;
  }

  /** navigator.credentials.create() + toJSON(), i.e. what startRegistration() would POST. */
  register(options: SoftRegistrationOptions, tamper: Tamper = {}): RegistrationResponseJSON {
    if (this.#credential) {
      const mine = b64url(this.#credential.id);
      if (options.excludeCredentials?.some((c) => c.id === mine)) {
        throw new Error('InvalidStateError: the authenticator already holds an excluded credential');
      }
      throw new Error('SoftAuthenticator already holds a credential; use a new SoftAuthenticator for another one');
    }
    const alg = coseAlg(this.options.alg);
    const params = options.pubKeyCredParams;
    if (params && params.length > 0 && !params.some((p) => p.alg === alg && (p.type ?? 'public-key') === 'public-key')) {
      throw new Error(`NotSupportedError: pubKeyCredParams does not offer ${this.options.alg} (${alg})`);
    }
    const rpId = options.rp.id ?? this.options.rpId;
    this.#assertRpIdValid(rpId);
    const userHandle = b64url(fromB64url(options.user.id, 'user.id'));
    const challenge = b64url(fromB64url(options.challenge, 'challenge'));

    const { privateKey, publicKey } = this.options.alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    const credential: Credential = {
      id: new Uint8Array(randomBytes(16)),
      privateKey,
      publicKey,
      cosePublicKey: encodeCoseKey(this.options.alg, publicKey),
      rpId,
      userHandle,
      counter: (this.options.startCounter ?? 0) >>> 0,
    };

    const clientDataJSON = this.#clientData('webauthn.create', challenge, tamper);
    const attestedCredentialData = concat(
      aaguidBytes(this.options.aaguid),
      u16be(credential.id.length),
      credential.id,
      credential.cosePublicKey,
    );
    const authData = this.#authData(rpId, FLAG_AT, credential.counter, tamper, attestedCredentialData);

    const attStmt = new Map<string | number, CBORType>();
    const format = this.options.attestation ?? 'none';
    if (format === 'packed') {
      let sig = signWith(privateKey, concat(authData, sha256(clientDataJSON)));
      if (tamper.mutateSignature) sig = tamper.mutateSignature(sig);
      attStmt.set('alg', alg);
      attStmt.set('sig', sig);
    }
    const finalAuthData = tamper.mutateAuthenticatorData ? tamper.mutateAuthenticatorData(authData) : authData;
    const finalClientData = tamper.mutateClientDataJSON ? tamper.mutateClientDataJSON(clientDataJSON) : clientDataJSON;
    const attestationObject = encodeCBOR(new Map<string | number, CBORType>([
      ['fmt', format],
      ['attStmt', attStmt],
      ['authData', finalAuthData],
    ]));

    this.#credential = credential;
    const id = tamper.credentialId ?? b64url(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(finalClientData),
        attestationObject: b64url(attestationObject),
        authenticatorData: b64url(finalAuthData),
        transports: [...(this.options.transports ?? ['internal', 'hybrid'])],
        publicKeyAlgorithm: alg,
        publicKey: b64url(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }))),
      },
      authenticatorAttachment: this.options.attachment ?? 'platform',
      clientExtensionResults: options.extensions?.credProps ? { credProps: { rk: true } } : {},
    };
  }

  /** navigator.credentials.get() + toJSON(), i.e. what startAuthentication() would POST. */
  authenticate(options: SoftAuthenticationOptions, tamper: Tamper = {}): AuthenticationResponseJSON {
    const credential = this.#credential;
    const rpId = options.rpId ?? this.options.rpId;
    this.#assertRpIdValid(rpId);
    if (!credential || credential.rpId !== rpId) {
      throw new Error(`NotAllowedError: no credential for RP ID ${rpId}`);
    }
    const mine = b64url(credential.id);
    const allow = options.allowCredentials;
    if (allow && allow.length > 0 && !allow.some((c) => c.id === mine && (c.type ?? 'public-key') === 'public-key')) {
      throw new Error('NotAllowedError: none of allowCredentials is on this authenticator');
    }
    const challenge = b64url(fromB64url(options.challenge, 'challenge'));

    credential.counter = (credential.counter + (this.options.counterStep ?? 1)) >>> 0;
    const clientDataJSON = this.#clientData('webauthn.get', challenge, tamper);
    const authData = this.#authData(rpId, 0, credential.counter, tamper);
    let signature = signWith(credential.privateKey, concat(authData, sha256(clientDataJSON)));
    if (tamper.mutateSignature) signature = tamper.mutateSignature(signature);
    const finalAuthData = tamper.mutateAuthenticatorData ? tamper.mutateAuthenticatorData(authData) : authData;
    const finalClientData = tamper.mutateClientDataJSON ? tamper.mutateClientDataJSON(clientDataJSON) : clientDataJSON;

    const userHandle = tamper.userHandle === undefined ? credential.userHandle : tamper.userHandle;
    const id = tamper.credentialId ?? mine;
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(finalClientData),
        authenticatorData: b64url(finalAuthData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      authenticatorAttachment: this.options.attachment ?? 'platform',
      clientExtensionResults: {},
    };
  }

  #required(): Credential {
    if (!this.#credential) throw new Error('SoftAuthenticator has no credential yet: call register() first');
    return this.#credential;
  }

  /** The browser refuses an RP ID that is not the origin's host or a parent domain of it. */
  #assertRpIdValid(rpId: string): void {
    const host = new URL(this.options.origin).hostname;
    if (rpId !== host && !host.endsWith(`.${rpId}`)) {
      throw new Error(`SecurityError: RP ID ${rpId} is not valid for origin ${this.options.origin}`);
    }
  }

  #clientData(type: string, challenge: string, tamper: Tamper): Uint8Array {
    // Member order as Chromium serialises it: type, challenge, origin, crossOrigin.
    const clientData = {
      type: tamper.type ?? type,
      challenge: tamper.challenge ?? challenge,
      origin: tamper.origin ?? this.options.origin,
      crossOrigin: false,
      ...tamper.extraClientData,
    };
    return new TextEncoder().encode(JSON.stringify(clientData));
  }

  #authData(rpId: string, extraFlags: number, counter: number, tamper: Tamper, attested?: Uint8Array): Uint8Array {
    let flags = extraFlags;
    if (tamper.userPresent ?? true) flags |= FLAG_UP;
    if (tamper.userVerified ?? true) flags |= FLAG_UV;
    if (this.options.backupEligible) flags |= FLAG_BE;
    if (this.options.backedUp) flags |= FLAG_BS;
    const parts = [sha256(tamper.rpId ?? rpId), Uint8Array.of(flags), u32be(tamper.counter ?? counter)];
    if (attested) parts.push(attested);
    return concat(...parts);
  }
}
