import { randomUUID } from 'node:crypto';
import type { Account, NewAccount } from './types.ts';

/** The account record every adapter stores for a sign-up: a fresh opaque id, both timestamps now. */
export function newAccount(input: NewAccount, now: number): Account {
  const at = new Date(now);
  return {
    id: randomUUID(),
    email: input.email,
    emailVerified: input.emailVerified,
    name: input.name,
    passwordHash: input.passwordHash,
    createdAt: at,
    updatedAt: at,
  };
}
