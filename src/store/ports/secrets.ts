// Values every tobira process shares (generated keys).

/** A shared value with its revision: 0 as first written, one more with every replace. */
export interface VersionedSecret<T> {
  value: T;
  revision: number;
}

/**
 * Named values every tobira process must share, e.g. the generated signing keys and cookie keys.
 * Values are JSON-serialisable.
 */
export interface SecretRepository {
  get<T>(name: string): Promise<T | undefined>;
  /**
   * Stores `candidate` under `name` unless a value is already there, and returns the stored value.
   * When several processes start at once they all end up with the first one written.
   */
  getOrInsert<T>(name: string, candidate: T): Promise<T>;
  /** The value under `name` with its revision; undefined when there is none. */
  findVersioned<T>(name: string): Promise<VersionedSecret<T> | undefined>;
  /**
   * Replaces the value under `name` only if it is still at `revision` (it is then at revision + 1)
   * and says whether it did. Race-safe: of concurrent replaces at one revision, from any number
   * of processes, exactly one succeeds. False when there is no value under `name`.
   */
  replace<T>(name: string, revision: number, value: T): Promise<boolean>;
}
