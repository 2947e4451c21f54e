// Client registrations in memory: one process, so the version is just a counter.
import { DuplicateKeyError, RevisionConflictError } from '../errors.ts';
import type { ClientRepository, NewStoredClient, StoredClient, StoredClientChange } from '../ports/clients.ts';
import { copyRecord } from '../copy.ts';

export class MemoryClients implements ClientRepository {
  readonly #clients = new Map<string, StoredClient>();
  readonly #now: () => number;
  #version = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(client: NewStoredClient): Promise<StoredClient> {
    if (this.#clients.has(client.clientId)) throw new DuplicateKeyError('client_id');
    const at = new Date(this.#now());
    const stored: StoredClient = { clientId: client.clientId, metadata: copyRecord(client.metadata), disabled: client.disabled, revision: 1, createdAt: at, updatedAt: at };
    this.#clients.set(client.clientId, stored);
    this.#version += 1;
    return copyRecord(stored);
  }

  async find(clientId: string): Promise<StoredClient | undefined> {
    const stored = this.#clients.get(clientId);
    return stored ? copyRecord(stored) : undefined;
  }

  async list(): Promise<StoredClient[]> {
    return [...this.#clients.values()].sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0)).map((client) => copyRecord(client));
  }

  async update(clientId: string, revision: number, change: StoredClientChange): Promise<StoredClient | undefined> {
    const stored = this.#clients.get(clientId);
    if (!stored) return undefined;
    if (stored.revision !== revision) throw new RevisionConflictError(stored.revision);
    const updated: StoredClient = {
      ...stored,
      ...(change.metadata ? { metadata: copyRecord(change.metadata) } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      revision: stored.revision + 1,
      updatedAt: new Date(this.#now()),
    };
    this.#clients.set(clientId, updated);
    this.#version += 1;
    return copyRecord(updated);
  }

  async delete(clientId: string): Promise<boolean> {
    const removed = this.#clients.delete(clientId);
    if (removed) this.#version += 1;
    return removed;
  }

  async findVersion(): Promise<string | undefined> {
    return this.#version === 0 ? undefined : String(this.#version);
  }
}
