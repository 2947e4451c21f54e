// Partner services (OIDC clients) registered through the operator API, as opposed to the clients
// file: every process reads them from here, so a change needs no restart.

/** A client registration kept in the store. */
export interface StoredClient {
  /** oidc-provider's client_id; the record's key. */
  clientId: string;
  /**
   * The OpenID client metadata as oidc-provider validated it, with `client_secret` (when the client
   * has one) in its protected form (clients/client-secrets.ts): a hash or a sealed value.
   */
  metadata: Record<string, unknown>;
  /** A disabled client is not served: oidc-provider does not find it. */
  disabled: boolean;
  /** Starts at 1 and grows with every change: an update names the revision it was made on. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewStoredClient {
  clientId: string;
  metadata: Record<string, unknown>;
  disabled: boolean;
}

export interface StoredClientChange {
  metadata?: Record<string, unknown>;
  disabled?: boolean;
}

export interface ClientRepository {
  /** Stores a new client at revision 1; DuplicateKeyError('client_id') when the id is taken (also by a concurrent create). */
  create(client: NewStoredClient): Promise<StoredClient>;
  find(clientId: string): Promise<StoredClient | undefined>;
  /** Every stored client, by client id. */
  list(): Promise<StoredClient[]>;
  /**
   * Applies `change` only if the client is still at `revision` (then at revision + 1); a client
   * changed meanwhile gives RevisionConflictError, a client gone gives undefined.
   */
  update(clientId: string, revision: number, change: StoredClientChange): Promise<StoredClient | undefined>;
  /** Removes the client; false when there was none. */
  delete(clientId: string): Promise<boolean>;
  /**
   * A token that changes with every create, update and delete, in any process (undefined before the
   * first): a process polls it to learn cheaply that its copy of the list is stale.
   */
  findVersion(): Promise<string | undefined>;
}
