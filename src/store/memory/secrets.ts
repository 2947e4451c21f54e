// Shared secrets in memory: there is only one process to share them with.
import type { SecretRepository } from '../types.ts';
import { copyRecord } from '../copy.ts';

export class MemorySecrets implements SecretRepository {
  readonly #values = new Map<string, unknown>();

  async get<T>(name: string): Promise<T | undefined> {
    return this.#values.has(name) ? copyRecord(this.#values.get(name) as T) : undefined;
  }

  async getOrInsert<T>(name: string, candidate: T): Promise<T> {
    if (!this.#values.has(name)) this.#values.set(name, copyRecord(candidate));
    return copyRecord(this.#values.get(name) as T);
  }
}
