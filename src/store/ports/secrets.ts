// Values every tobira process shares (generated keys).

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
}
