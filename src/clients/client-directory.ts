// What tobira's own rules read about the partner services: each registration (tobira's own flags
// included: always-passkey/policy.ts reads the one it owns) and the name users know a service by.
// Two sources: the fixed clients (clients file, tobira's own account menu, the demo partner), read
// at start, and the clients registered in the store through the operator API. A fixed client wins
// over a stored one with the same id ("managed by file").
//
// Reads are synchronous (they sit inside oidc-provider's policy checks and page rendering), so the
// stored clients are a copy, kept fresh by `fresh()`: at most once per refresh interval it asks the
// store for its version token and re-reads the list only when that changed. The app awaits it
// before each request, so a change made by any process is seen by every other one within the
// interval (CLIENTS_REFRESH_SECONDS), with no timer and no restart.
import type { ClientRepository } from '../store/ports/clients.ts';
import type { ClientMetadata } from './clients-file.ts';

/** A client's registration as configured (or as oidc-provider hands it back: client.metadata()). */
export type ClientRegistration = Readonly<Record<string, unknown>>;

export interface ClientDirectory {
  /** The client's registration; undefined for an unknown client. */
  registration(clientId: string): ClientRegistration | undefined;
  /** The name users know the service by (client_name, else its id: a client gone from the configuration). */
  name(clientId: string): string;
}

function nameIn(registration: ClientRegistration | undefined, clientId: string): string {
  const name = registration?.client_name;
  return typeof name === 'string' && name ? name : clientId;
}

/** A directory of fixed clients only. */
export function clientDirectory(clients: readonly ClientMetadata[]): ClientDirectory {
  const byId = new Map(clients.map((client) => [client.client_id, client]));
  return {
    registration: (clientId) => byId.get(clientId),
    name: (clientId) => nameIn(byId.get(clientId), clientId),
  };
}

export interface LiveDirectoryOptions {
  /** How old the copy of the stored clients may get before `fresh()` checks the store again. */
  refreshMs: number;
  now?: () => number;
  /** Told when the store could not be read; the copy stays as it was. */
  onError?: (err: unknown) => void;
}

/** The fixed clients plus the store's, as tobira's rules see them. */
export class LiveClientDirectory implements ClientDirectory {
  readonly #fixed: ReadonlyMap<string, ClientMetadata>;
  readonly #store: ClientRepository;
  readonly #options: LiveDirectoryOptions;
  #stored = new Map<string, ClientRegistration>();
  #version: string | undefined = undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;

  constructor(fixed: readonly ClientMetadata[], store: ClientRepository, options: LiveDirectoryOptions) {
    this.#fixed = new Map(fixed.map((client) => [client.client_id, client]));
    this.#store = store;
    this.#options = options;
  }

  /** True for a client of the clients file, the account menu or the demo partner: the API leaves it alone. */
  readonly isFixed = (clientId: string): boolean => this.#fixed.has(clientId);

  // Arrow properties: services take `directory.name` on its own, unbound.
  readonly registration = (clientId: string): ClientRegistration | undefined => this.#fixed.get(clientId) ?? this.#stored.get(clientId);

  readonly name = (clientId: string): string => nameIn(this.registration(clientId), clientId);

  /** Checks the store when the copy is older than the refresh interval; shares one check among concurrent callers. */
  fresh(): Promise<void> {
    const now = (this.#options.now ?? Date.now)();
    if (now - this.#checkedAt < this.#options.refreshMs) return this.#inFlight ?? Promise.resolve();
    this.#checkedAt = now;
    return this.refresh();
  }

  /** Checks the store now (after this process changed a client, and at start). */
  refresh(): Promise<void> {
    const run = this.#inFlight
      ? this.#inFlight.then(() => this.#load())
      : this.#load();
    const tracked = run.catch((err: unknown) => this.#options.onError?.(err)).finally(() => {
      if (this.#inFlight === tracked) this.#inFlight = undefined;
    });
    this.#inFlight = tracked;
    return tracked;
  }

  async #load(): Promise<void> {
    // The token is read before the list: a change landing in between is picked up next time.
    const version = await this.#store.findVersion();
    if (version === this.#version) return;
    const clients = await this.#store.list();
    this.#stored = new Map(clients.map((client) => {
      const { client_secret: _secret, ...metadata } = client.metadata;
      return [client.clientId, Object.freeze({ ...metadata, client_id: client.clientId })];
    }));
    this.#version = version;
  }
}
