// WebAuthn challenges by key. take() checks and deletes with no await in between, so within the
// process exactly one caller gets a challenge.
import type { ChallengeRepository, StoredChallenge } from '../types.ts';
import { footprintOf, type Footprint } from './footprint.ts';

function copyChallenge(challenge: StoredChallenge): StoredChallenge {
  return {
    key: challenge.key,
    challenge: challenge.challenge,
    accountId: challenge.accountId,
    expiresAt: new Date(challenge.expiresAt),
  };
}

export class MemoryChallenges implements ChallengeRepository {
  readonly #now: () => number;
  readonly #byKey = new Map<string, StoredChallenge>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async put(challenge: StoredChallenge): Promise<void> {
    this.#byKey.set(challenge.key, copyChallenge(challenge));
  }

  async take(key: string): Promise<StoredChallenge | undefined> {
    const challenge = this.#byKey.get(key);
    // An expired challenge is left for the sweep, as in the mongo store.
    if (!challenge || challenge.expiresAt.getTime() <= this.#now()) return undefined;
    this.#byKey.delete(key);
    return challenge;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [key, challenge] of this.#byKey) {
      if (challenge.expiresAt.getTime() <= now) {
        this.#byKey.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#byKey.values());
  }
}
