// Shared secrets in memory: there is only one process to share them with.
import type { SecretRepository, VersionedSecret } from '../types.ts';
import { copyRecord } from '../copy.ts';

export class MemorySecrets implements SecretRepository {
  readonly #values = new Map<string, VersionedSecret<unknown>>();

  async get<T>(name: string): Promise<T | undefined> {
    const stored = this.#values.get(name);
    return stored ? copyRecord(stored.value as T) : undefined;
  }

  async getOrInsert<T>(name: string, candidate: T): Promise<T> {
    if (!this.#values.has(name)) this.#values.set(name, { value: copyRecord(candidate), revision: 0 });
    return copyRecord(this.#values.get(name)?.value as T);
  }

  async findVersioned<T>(name: string): Promise<VersionedSecret<T> | undefined> {
    const stored = this.#values.get(name);
    return stored ? { value: copyRecord(stored.value as T), revision: stored.revision } : undefined;
  }

  async replace<T>(name: string, revision: number, value: T): Promise<boolean> {
    const stored = this.#values.get(name);
    if (stored?.revision !== revision) return false;
    this.#values.set(name, { value: copyRecord(value), revision: revision + 1 });
    return true;
  }
}
