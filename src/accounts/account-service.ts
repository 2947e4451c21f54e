// Rules about accounts: who may sign up, how a password sign-in is decided. Knows nothing of HTTP.
import { DuplicateKeyError } from '../store/errors.ts';
import type { Account, AccountRepository } from '../store/types.ts';
import { EmailTakenError, InvalidCredentialsError, WeakPasswordError } from './errors.ts';
import { AlwaysPasskeyOnError } from '../always-passkey/errors.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hasher.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface PasswordSignUp {
  email: string;
  name: string;
  password: string;
}

export class AccountService {
  readonly #accounts: AccountRepository;

  constructor(accounts: AccountRepository) {
    this.#accounts = accounts;
  }

  async signUpWithPassword(input: PasswordSignUp): Promise<Account> {
    if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
      throw new WeakPasswordError();
    }
    const email = normaliseEmail(input.email);
    if (await this.#accounts.findByEmail(email)) throw new EmailTakenError();
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.#accounts.create({ email, emailVerified: false, name: input.name.trim(), passwordHash });
    } catch (err) {
      // Two sign-ups racing for one address: the unique index decides.
      if (err instanceof DuplicateKeyError) throw new EmailTakenError();
      throw err;
    }
  }

  async signInWithPassword(email: string, password: string): Promise<Account> {
    const account = await this.#accounts.findByEmail(normaliseEmail(email));
    const ok = account?.passwordHash
      ? await verifyPassword(account.passwordHash, password)
      : await verifyAgainstDummy(password);
    // Read again after the slow check: "Always passkey" turned on (or the password changed) while it
    // ran must win over the password as it was.
    const current = account ? await this.#accounts.findById(account.id) : undefined;
    // Checked after the (dummy) verification, so the answer takes as long as any other refusal.
    if (account?.alwaysPasskey || current?.alwaysPasskey) throw new AlwaysPasskeyOnError();
    if (!account || !current || !ok || current.passwordHash !== account.passwordHash) throw new InvalidCredentialsError();
    return current;
  }

  findById(id: string): Promise<Account | undefined> {
    return this.#accounts.findById(id);
  }

  findByEmail(email: string): Promise<Account | undefined> {
    return this.#accounts.findByEmail(normaliseEmail(email));
  }
}
