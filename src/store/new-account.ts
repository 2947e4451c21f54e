import { randomBytes, randomUUID } from 'node:crypto';
import type { Account, NewAccount } from './types.ts';

/** Bytes in a WebAuthn user handle: the spec allows up to 64; 32 random bytes cannot collide or be guessed. */
const WEBAUTHN_USER_ID_BYTES = 32;

/** A fresh random WebAuthn user handle (43 base64url characters). */
export function newWebAuthnUserId(): string {
  return randomBytes(WEBAUTHN_USER_ID_BYTES).toString('base64url');
}

/**
 * The account record every adapter stores for a sign-up: a fresh opaque id, the WebAuthn user
 * handle its first passkey was registered with (or a fresh one), both timestamps now.
 */
export function newAccount(input: NewAccount, now: number): Account {
  const at = new Date(now);
  return {
    id: randomUUID(),
    email: input.email,
    emailVerified: input.emailVerified,
    name: input.name,
    passwordHash: input.passwordHash,
    webauthnUserId: input.webauthnUserId ?? newWebAuthnUserId(),
    alwaysPasskey: false,
    contactEmail: null,
    contactMobile: null,
    sessionsValidFrom: null,
    disabled: null,
    createdAt: at,
    updatedAt: at,
  };
}
