// Password hashing is argon2id through the `argon2` package (libargon2 bindings): never hand-rolled.
// Parameters follow OWASP's argon2id recommendation (19 MiB, t=2, p=1) scaled up for a server.
// The binding is loaded on first use (≈ 8 MB of RSS): a passkey-first deployment may never need it.
type Argon2 = typeof import('argon2');

let loaded: Promise<Argon2> | undefined;
const argon2 = (): Promise<Argon2> => {
  loaded ??= import('argon2').then((module) => module.default);
  return loaded;
};

const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  const library = await argon2();
  return library.hash(password, { type: library.argon2id, ...PARAMETERS });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await (await argon2()).verify(hash, password);
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
  dummyHash ??= hashPassword('tobira-timing-equaliser');
  await verifyPassword(await dummyHash, password);
  return false;
}
