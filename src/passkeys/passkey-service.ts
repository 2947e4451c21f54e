// Every WebAuthn ceremony tobira runs, with @simplewebauthn/server doing the parsing and the
// cryptography. The rules here: challenges are single-use, short-lived and bound to one ceremony;
// user verification is required; a passkey answers only for its own account; a counter that goes
// backwards is refused and audited as a possible cloned authenticator.
import { withClock, type Clocked } from '../clock.ts';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { WebAuthnSettings } from '../config/settings.ts';
import type { Lang } from '../i18n/lang.ts';
import type { EventSink } from '../events/event-bus.ts';
import type { PasskeyAddedVia } from '../events/events.ts';
import { DuplicateKeyError } from '../store/errors.ts';
import type { Account, AccountRepository, ChallengeRepository, Passkey, PasskeyRepository } from '../store/types.ts';
import {
  ChallengeExpiredError,
  CounterRegressionError,
  LastSignInMethodError,
  PasskeyAccountMismatchError,
  PasskeyAlreadyRegisteredError,
  PasskeyNotFoundError,
  PasskeyVerificationFailedError,
  UnknownPasskeyError,
} from './errors.ts';
import { requireCleanName } from '../names.ts';
import { defaultPasskeyName } from './provider-names.ts';
import { parseAuthenticationResponse, parseRegistrationResponse } from './response-shape.ts';

/** Challenges live at most this long (the issue asks for no more than 5 minutes). */
export const CHALLENGE_TTL_SECONDS = 300;

/** A credential that passed registration, not yet stored (sign-up creates the account first). */
export type NewCredential = Pick<Passkey, 'credentialId' | 'publicKey' | 'counter' | 'transports' | 'aaguid' | 'deviceType' | 'backedUp'>;

export interface WebAuthnUser {
  /** base64url webauthnUserId */
  id: string;
  name: string;
  displayName: string;
}

export interface VerifiedAssertion {
  account: Account;
  passkey: Passkey;
  userVerified: boolean;
}

export interface PasskeyServiceDeps {
  passkeys: PasskeyRepository;
  challenges: ChallengeRepository;
  accounts: AccountRepository;
  audit: AuditLog;
  settings: WebAuthnSettings;
  /** Announces `passkey.added` (the account's addresses are told of a passkey added in the menu). */
  events?: EventSink;
  now?: () => number;
}

export class PasskeyService {
  readonly #d: Clocked<PasskeyServiceDeps>;

  constructor(deps: PasskeyServiceDeps) {
    this.#d = withClock(deps);
  }

  get rpId(): string {
    return this.#d.settings.rpId;
  }

  async #storeChallenge(key: string, challenge: string, accountId: string | null): Promise<void> {
    await this.#d.challenges.put({ key, challenge, accountId, expiresAt: new Date(this.#d.now() + CHALLENGE_TTL_SECONDS * 1000) });
  }

  /** `attachment` 'platform' asks for the device's own authenticator (a phone's biometrics), as in phone setup. */
  async registrationOptions(challengeKey: string, user: WebAuthnUser, accountId: string | null, attachment?: 'platform'): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = accountId ? await this.#d.passkeys.listByAccount(accountId) : [];
    const options = await generateRegistrationOptions({
      rpName: this.#d.settings.rpName,
      rpID: this.#d.settings.rpId,
      userID: isoBase64URL.toBuffer(user.id),
      userName: user.name,
      userDisplayName: user.displayName,
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      attestationType: this.#d.settings.attestation,
      // One authenticator cannot register twice for the same account.
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required', ...(attachment ? { authenticatorAttachment: attachment } : {}) },
      supportedAlgorithmIDs: [-7, -257, -8],
    });
    await this.#storeChallenge(challengeKey, options.challenge, accountId);
    return options;
  }

  /** Verifies a registration against the challenge stored under `challengeKey` (consuming it). */
  async verifyRegistration(challengeKey: string, input: unknown, accountId: string | null): Promise<NewCredential> {
    const response = parseRegistrationResponse(input);
    const challenge = await this.#d.challenges.take(challengeKey);
    if (!challenge) throw new ChallengeExpiredError();
    if (challenge.accountId !== accountId) throw new PasskeyAccountMismatchError();
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.#d.settings.origins,
        expectedRPID: this.#d.settings.rpId,
        expectedType: 'webauthn.create',
        requireUserPresence: true,
        requireUserVerification: true,
        supportedAlgorithmIDs: [-7, -257, -8],
      });
    } catch (err) {
      throw new PasskeyVerificationFailedError({ cause: err });
    }
    if (!verified.verified) throw new PasskeyVerificationFailedError();
    const info = verified.registrationInfo;
    // The library reads the credential from authenticatorData and never compares it with the id
    // the browser reported; a mismatch means a forged or corrupted response.
    if (info.credential.id !== response.id) throw new PasskeyVerificationFailedError();
    return {
      credentialId: info.credential.id,
      publicKey: new Uint8Array(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      aaguid: info.aaguid,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    };
  }

  /**
   * Stores a verified credential for the account; the name defaults to the passkey provider. `via`
   * says where from (events.ts PasskeyAddedVia): the account menu's passkeys are announced to the
   * account's addresses.
   */
  async addPasskey(account: Account, credential: NewCredential, lang: Lang, audit: AuditContext, via: PasskeyAddedVia = 'account'): Promise<Passkey> {
    const passkey: Passkey = {
      ...credential,
      accountId: account.id,
      userHandle: account.webauthnUserId,
      name: defaultPasskeyName(credential.aaguid, lang),
      createdAt: new Date(this.#d.now()),
      lastUsedAt: null,
    };
    try {
      await this.#d.passkeys.add(passkey);
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw new PasskeyAlreadyRegisteredError();
      throw err;
    }
    await this.#d.audit.record('passkey.registered', account.id, audit, { credentialId: passkey.credentialId, aaguid: passkey.aaguid, name: passkey.name, deviceType: passkey.deviceType, via });
    await this.#d.events?.emit('passkey.added', { account, passkey, lang, via });
    return passkey;
  }

  /**
   * Options for a sign-in assertion. With an account (identifier-first, re-authentication) only
   * its passkeys are allowed; without, any discoverable passkey may answer (usernameless, autofill).
   */
  async authenticationOptions(challengeKey: string, accountId: string | null, onlyCredentialIds?: string[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const own = accountId ? await this.#d.passkeys.listByAccount(accountId) : [];
    const allowed = onlyCredentialIds ? own.filter((p) => onlyCredentialIds.includes(p.credentialId)) : own;
    const options = await generateAuthenticationOptions({
      rpID: this.#d.settings.rpId,
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      userVerification: 'required',
      allowCredentials: allowed.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransport[] })),
    });
    await this.#storeChallenge(challengeKey, options.challenge, accountId);
    return options;
  }

  /**
   * Verifies a sign-in assertion against the challenge under `challengeKey` (consuming it).
   * `expectedAccountId` is the account this ceremony must prove, when something already says who
   * the user is (the challenge's account wins when both are set and differ: both must match).
   * `failureDetails` (e.g. the partner service signed in to) go into the audit of a refusal.
   */
  async verifyAuthentication(challengeKey: string, input: unknown, expectedAccountId: string | null, audit: AuditContext, failureDetails: Record<string, unknown> = {}): Promise<VerifiedAssertion> {
    const response = parseAuthenticationResponse(input);
    const challenge = await this.#d.challenges.take(challengeKey);
    if (!challenge) throw new ChallengeExpiredError();

    const passkey = await this.#d.passkeys.findByCredentialId(response.id);
    const account = passkey ? await this.#d.accounts.findById(passkey.accountId) : undefined;
    if (!passkey || !account) {
      await this.#d.audit.record('login.failed', null, audit, { method: 'passkey', reason: 'unknown_passkey', credentialId: response.id, ...failureDetails });
      throw new UnknownPasskeyError();
    }
    const userHandle = response.response.userHandle;
    const handleOk = userHandle
      ? userHandle === passkey.userHandle && userHandle === account.webauthnUserId
      // Only an assertion for a named account may omit the handle (allowCredentials was sent).
      : challenge.accountId !== null;
    const accountOk = [challenge.accountId, expectedAccountId].every((expected) => expected === null || expected === account.id);
    if (!handleOk || !accountOk) {
      await this.#d.audit.record('login.failed', account.id, audit, { method: 'passkey', reason: handleOk ? 'account_mismatch' : 'user_handle_mismatch', credentialId: passkey.credentialId, ...failureDetails });
      throw new PasskeyAccountMismatchError();
    }

    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.#d.settings.origins,
        expectedRPID: this.#d.settings.rpId,
        expectedType: 'webauthn.get',
        requireUserVerification: true,
        // The counter rule is ours (below), so the library is given 0, which turns its own check off.
        credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: 0, transports: passkey.transports as AuthenticatorTransport[] },
      });
    } catch (err) {
      await this.#d.audit.record('login.failed', account.id, audit, { method: 'passkey', reason: 'verification_failed', credentialId: passkey.credentialId, ...failureDetails });
      throw new PasskeyVerificationFailedError({ cause: err });
    }
    if (!verified.verified) {
      await this.#d.audit.record('login.failed', account.id, audit, { method: 'passkey', reason: 'verification_failed', credentialId: passkey.credentialId, ...failureDetails });
      throw new PasskeyVerificationFailedError();
    }
    const info = verified.authenticationInfo;

    // Synced passkeys report 0 forever; otherwise the counter must grow.
    if ((info.newCounter > 0 || passkey.counter > 0) && info.newCounter <= passkey.counter) {
      await this.#d.audit.record('passkey.counter_regression', account.id, audit, { credentialId: passkey.credentialId, stored: passkey.counter, received: info.newCounter });
      throw new CounterRegressionError();
    }
    const use = { counter: info.newCounter, deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp, at: new Date(this.#d.now()) };
    if (!await this.#d.passkeys.recordUse(passkey.credentialId, use)) throw new UnknownPasskeyError();
    return { account, passkey: { ...passkey, ...use, lastUsedAt: use.at }, userVerified: info.userVerified };
  }

  list(accountId: string): Promise<Passkey[]> {
    return this.#d.passkeys.listByAccount(accountId);
  }

  async rename(accountId: string, credentialId: string, name: string, audit: AuditContext): Promise<void> {
    if (!await this.#d.passkeys.rename(accountId, credentialId, requireCleanName(name))) throw new PasskeyNotFoundError();
    await this.#d.audit.record('passkey.renamed', accountId, audit, { credentialId, name });
  }

  /**
   * Deletes every passkey of the account (the sign-in address was just proven: anything added
   * before may be a stranger's). The caller leaves the account another way in (the reset password).
   */
  async removeAll(accountId: string, audit: AuditContext, reason: string): Promise<number> {
    let removed = 0;
    for (const passkey of await this.#d.passkeys.listByAccount(accountId)) {
      if (!await this.#d.passkeys.remove(accountId, passkey.credentialId)) continue;
      await this.#d.audit.record('passkey.deleted', accountId, audit, { credentialId: passkey.credentialId, reason });
      removed += 1;
    }
    return removed;
  }

  /** Deletes a passkey, unless it is the account's last way in. */
  async remove(account: Account, credentialId: string, audit: AuditContext): Promise<void> {
    const passkeys = await this.#d.passkeys.listByAccount(account.id);
    if (!passkeys.some((p) => p.credentialId === credentialId)) throw new PasskeyNotFoundError();
    if (passkeys.length === 1 && !account.passwordHash) throw new LastSignInMethodError();
    if (!await this.#d.passkeys.remove(account.id, credentialId)) throw new PasskeyNotFoundError();
    await this.#d.audit.record('passkey.deleted', account.id, audit, { credentialId });
  }
}
