// Password hashing is argon2id through the `argon2` package (libargon2 bindings): never hand-rolled.
// Parameters follow OWASP's argon2id recommendation (19 MiB, t=2, p=1) scaled up for a server.
import argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash must never let anyone in.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash made with the same parameters, so that "no such account" costs
 * the same time as "wrong password" and timing does not reveal which e-mail addresses exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= argon2.hash('tobira-timing-equaliser', OPTIONS);
  await verifyPassword(await dummyHash, password);
  return false;
}
