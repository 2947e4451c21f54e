// The signing keys one tobira process signs with and publishes: one key set in the store (secrets
// port, under 'signing-key-set'), changed only by compare-and-set at its revision, and a copy in
// each process kept fresh like the clients' (clients/client-directory.ts): at most once per refresh
// interval the store is asked, and a changed set (or a retired key whose time has passed) is handed
// to the listeners: the provider (provider-keystore.ts) and tobira's own JWT checks.
//
// With SIGNING_KEYS_FILE the keys are the file's, as given, and nothing here changes them.
// The rules of what may change are in signing-key-lifecycle.ts; operations and the schedule, with
// their audit records, in signing-key-service.ts.
import type { JWK } from 'jose';
import type { SecretRepository } from '../store/types.ts';
import { firstSet, providerJwks, ROTATED_ALGS, type KeySet } from './signing-key-lifecycle.ts';
import { generateSigningKey, publicJwks, type PrivateJwks } from './signing-keys.ts';

/** Where the key set is kept. */
export const KEY_SET_NAME = 'signing-key-set';
/** Where tobira kept its generated keys before they had a lifecycle: read once, to carry them over. */
export const LEGACY_KEYS_NAME = 'signing-keys';

export interface SigningKeyRingOptions {
  secrets: SecretRepository;
  /** The keys of SIGNING_KEYS_FILE, when set: then there is no lifecycle. */
  fileKeys: PrivateJwks | null;
  /** How stale this process's copy may get (SIGNING_KEYS_REFRESH_SECONDS). */
  refreshMs: number;
  now: () => number;
  /** Told when the store could not be read; the copy stays as it was. */
  onError?: (err: unknown) => void;
}

type Listener = (jwks: PrivateJwks) => void;

export class SigningKeyRing {
  readonly #options: SigningKeyRingOptions;
  #set: KeySet | undefined;
  #revision = -1;
  /** What the listeners were last given, as kids in order: detects a change, also one made by the clock. */
  #appliedSignature = '';
  #jwks: PrivateJwks;
  #public: { keys: JWK[] };
  readonly #listeners: Listener[] = [];
  #checkedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;

  private constructor(options: SigningKeyRingOptions, jwks: PrivateJwks) {
    this.#options = options;
    this.#jwks = jwks;
    this.#public = publicJwks(jwks);
  }

  /**
   * The keys at start: the file's, or the stored set. The first process on an empty store generates
   * one generation (or carries over the keys kept before the lifecycle existed); processes starting
   * together all end up with the first set written.
   */
  static async open(options: SigningKeyRingOptions): Promise<SigningKeyRing> {
    if (options.fileKeys) return new SigningKeyRing(options, options.fileKeys);
    const { secrets } = options;
    let stored = await secrets.findVersioned<KeySet>(KEY_SET_NAME);
    if (!stored) {
      const legacy = await secrets.get<PrivateJwks>(LEGACY_KEYS_NAME);
      const jwks = legacy?.keys ?? await Promise.all(ROTATED_ALGS.map((alg) => generateSigningKey(alg)));
      await secrets.getOrInsert<KeySet>(KEY_SET_NAME, firstSet(jwks, options.now()));
      stored = await secrets.findVersioned<KeySet>(KEY_SET_NAME);
      if (!stored) throw new Error('the signing key set vanished right after it was written');
    }
    const ring = new SigningKeyRing(options, { keys: [] });
    ring.#take(stored.value, stored.revision);
    ring.#checkedAt = options.now();
    return ring;
  }

  get fromFile(): boolean {
    return this.#options.fileKeys !== null;
  }

  get fileKeys(): PrivateJwks | null {
    return this.#options.fileKeys;
  }

  /** The private JWKS for oidc-provider: current keys first (they sign), then next and retired. */
  jwks(): PrivateJwks {
    return this.#jwks;
  }

  /** The public keys as /jwks publishes them (and tobira's own JWT checks use). */
  publicJwks(): { keys: JWK[] } {
    return this.#public;
  }

  /** Called with the new private JWKS whenever this process's keys change. */
  onChange(listener: Listener): void {
    this.#listeners.push(listener);
  }

  /** Checks the store when the copy is older than the refresh interval; one check shared among concurrent callers. */
  fresh(): Promise<void> {
    if (this.fromFile) return Promise.resolve();
    const now = this.#options.now();
    if (now - this.#checkedAt < this.#options.refreshMs) return this.#inFlight ?? Promise.resolve();
    this.#checkedAt = now;
    return this.refresh();
  }

  /** Reads the store now. */
  refresh(): Promise<void> {
    if (this.fromFile) return Promise.resolve();
    const run = (this.#inFlight ?? Promise.resolve()).then(async () => {
      const stored = await this.#options.secrets.findVersioned<KeySet>(KEY_SET_NAME);
      if (stored) this.#take(stored.value, stored.revision);
    });
    const tracked = run.catch((err: unknown) => this.#options.onError?.(err)).finally(() => {
      if (this.#inFlight === tracked) this.#inFlight = undefined;
    });
    this.#inFlight = tracked;
    return tracked;
  }

  /** Reads the stored set and its revision from the store itself (for a change). */
  async read(): Promise<{ set: KeySet; revision: number }> {
    const stored = await this.#options.secrets.findVersioned<KeySet>(KEY_SET_NAME);
    if (!stored) throw new Error('there is no signing key set in the store');
    this.#take(stored.value, stored.revision);
    return { set: stored.value, revision: stored.revision };
  }

  /** Writes `set` if the stored one is still at `revision`; true when written (and then in use here at once). */
  async write(revision: number, set: KeySet): Promise<boolean> {
    if (!await this.#options.secrets.replace(KEY_SET_NAME, revision, set)) return false;
    this.#take(set, revision + 1);
    return true;
  }

  /** Adopts a stored set when it is newer than the copy, then applies what is live now. */
  #take(set: KeySet, revision: number): void {
    if (revision >= this.#revision) {
      this.#set = set;
      this.#revision = revision;
    }
    this.#apply();
  }

  #apply(): void {
    if (!this.#set) return;
    const jwks = providerJwks(this.#set, this.#options.now());
    const signature = jwks.keys.map((key) => key.kid).join(' ');
    if (signature === this.#appliedSignature) return;
    this.#jwks = jwks;
    this.#public = publicJwks(jwks);
    this.#appliedSignature = signature;
    for (const listener of this.#listeners) listener(jwks);
  }
}
