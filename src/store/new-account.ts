import { randomBytes, randomUUID } from 'node:crypto';
import type { Account, NewAccount } from './types.ts';

/** Bytes in a WebAuthn user handle: the spec allows up to 64; 32 random bytes cannot collide or be guessed. */
const WEBAUTHN_USER_ID_BYTES = 32;

/**
 * The account record every adapter stores for a sign-up: a fresh opaque id, a fresh random
 * WebAuthn user handle (43 base64url characters), both timestamps now.
 */
export function newAccount(input: NewAccount, now: number): Account {
  const at = new Date(now);
  return {
    id: randomUUID(),
    email: input.email,
    emailVerified: input.emailVerified,
    name: input.name,
    passwordHash: input.passwordHash,
    webauthnUserId: randomBytes(WEBAUTHN_USER_ID_BYTES).toString('base64url'),
    createdAt: at,
    updatedAt: at,
  };
}
