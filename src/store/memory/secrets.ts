// Shared secrets in memory: there is only one process to share them with.
import type { SecretRepository } from '../types.ts';

export class MemorySecrets implements SecretRepository {
  readonly #values = new Map<string, unknown>();

  async get<T>(name: string): Promise<T | undefined> {
    return this.#values.has(name) ? structuredClone(this.#values.get(name) as T) : undefined;
  }

  async getOrInsert<T>(name: string, candidate: T): Promise<T> {
    if (!this.#values.has(name)) this.#values.set(name, structuredClone(candidate));
    return structuredClone(this.#values.get(name) as T);
  }
}
