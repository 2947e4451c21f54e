// The operator's register of partner services kept in the store: create, change, disable, enable,
// delete, rotate the secret. Every registration is checked by oidc-provider's own rules before it is
// stored; tobira generates every secret, shows it once, and keeps only a hash (or, where
// oidc-provider needs the secret itself, a sealed copy): clients/client-secrets.ts. The fixed
// clients (clients file, account menu, demo partner) are listed but never changed here.
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { LiveClientDirectory } from '../clients/client-directory.ts';
import { generateClientSecret, hashClientSecret, isHashedSecret, isSealedSecret, sealClientSecret, secretKeeping } from '../clients/client-secrets.ts';
import { ClientMetadataRefusal } from '../oidc/store-clients.ts';
import { DuplicateKeyError, RevisionConflictError } from '../store/errors.ts';
import type { ClientRepository, StoredClient } from '../store/ports/clients.ts';
import {
  ClientExistsError, ClientHasNoSecretError, ClientManagedByFileError, ClientNotFoundError, ClientRevisionConflictError,
  ClientSecretKeyMissingError, ClientSecretMustRotateError, InvalidClientMetadataError,
} from './errors.ts';

/** oidc-provider keys session state by client id; a dot would split that key in MongoDB (as in clients-file.ts). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_\-:]{1,128}$/;

/** Metadata an operator never sets: tobira generates and dates the secret. */
const GENERATED_FIELDS = ['client_secret', 'client_secret_expires_at', 'client_id_issued_at', 'registration_access_token', 'registration_client_uri'];

/** A client as the operator API shows it: never a secret, only how it is kept. */
export interface ClientView {
  clientId: string;
  /** `store`: registered through the API; `file`: the clients file, account menu or demo partner (read-only). */
  managedBy: 'store' | 'file';
  disabled: boolean;
  /** null for a fixed client. */
  revision: number | null;
  secret: 'hashed' | 'sealed' | 'none' | 'plain in file';
  /** A stored client whose id the clients file now also has: the file's registration is the one served. */
  shadowedByFile?: true;
  createdAt: Date | null;
  updatedAt: Date | null;
  metadata: Record<string, unknown>;
}

export interface ClientRegistryDeps {
  clients: ClientRepository;
  directory: LiveClientDirectory;
  /** The fixed clients, for the list. */
  fixed: ReadonlyArray<{ client_id: string } & Record<string, unknown>>;
  /** oidc-provider's own validation (oidc/store-clients.ts validateByProvider). */
  validate: (metadata: Readonly<Record<string, unknown>>) => Promise<void>;
  sealingKey: Buffer | undefined;
  audit: AuditLog;
}

export interface CreateClientInput {
  metadata: Record<string, unknown>;
  disabled: boolean;
}

export interface UpdateClientInput {
  revision: number;
  metadata: Record<string, unknown>;
  rotateSecret: boolean;
}

/** What a change that hands out a secret answers: the client, and the secret this once. */
export interface WithSecret {
  client: ClientView;
  clientSecret?: string;
}

function withoutSecret(metadata: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { client_secret: _secret, ...rest } = metadata;
  return rest;
}

function storedView(client: StoredClient, shadowed: boolean): ClientView {
  const secret = client.metadata.client_secret;
  return {
    clientId: client.clientId,
    managedBy: 'store',
    disabled: client.disabled,
    revision: client.revision,
    secret: isHashedSecret(secret) ? 'hashed' : isSealedSecret(secret) ? 'sealed' : 'none',
    ...(shadowed ? { shadowedByFile: true as const } : {}),
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
    metadata: withoutSecret(client.metadata),
  };
}

export class ClientRegistry {
  readonly #deps: ClientRegistryDeps;

  constructor(deps: ClientRegistryDeps) {
    this.#deps = deps;
  }

  async list(): Promise<ClientView[]> {
    const { directory, fixed } = this.#deps;
    const stored = (await this.#deps.clients.list()).map((client) => storedView(client, directory.isFixed(client.clientId)));
    const files: ClientView[] = fixed.map((client) => ({
      clientId: client.client_id,
      managedBy: 'file',
      disabled: false,
      revision: null,
      secret: typeof client.client_secret === 'string' ? 'plain in file' : 'none',
      createdAt: null,
      updatedAt: null,
      metadata: withoutSecret(client),
    }));
    return [...files, ...stored];
  }

  async get(clientId: string): Promise<ClientView> {
    const fixed = this.#deps.fixed.find((client) => client.client_id === clientId);
    if (fixed) return (await this.list()).find((view) => view.managedBy === 'file' && view.clientId === clientId) as ClientView;
    return storedView(await this.#stored(clientId), false);
  }

  async create(input: CreateClientInput, context: AuditContext): Promise<WithSecret> {
    const clientId = this.#clientIdOf(input.metadata);
    if (this.#deps.directory.isFixed(clientId)) throw new ClientManagedByFileError({ clientId });
    const { metadata, clientSecret } = await this.#prepared({ ...input.metadata, client_id: clientId }, undefined, true);
    let created: StoredClient;
    try {
      created = await this.#deps.clients.create({ clientId, metadata, disabled: input.disabled });
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw new ClientExistsError({ clientId }, { cause: err });
      throw err;
    }
    await this.#changed('client.created', created, context, { secret: storedView(created, false).secret });
    return { client: storedView(created, false), ...(clientSecret ? { clientSecret } : {}) };
  }

  async update(clientId: string, input: UpdateClientInput, context: AuditContext): Promise<WithSecret> {
    const current = await this.#changeable(clientId);
    const given = input.metadata.client_id;
    if (given !== undefined && given !== clientId) throw new InvalidClientMetadataError({ field: 'client_id', detail: 'cannot be changed (delete the client and create a new one)' });
    if (current.revision !== input.revision) throw new ClientRevisionConflictError({ revision: current.revision });
    const { metadata, clientSecret } = await this.#prepared({ ...input.metadata, client_id: clientId }, current.metadata.client_secret, input.rotateSecret);
    const updated = await this.#write(clientId, input.revision, { metadata });
    await this.#changed('client.updated', updated, context, { secretRotated: clientSecret !== undefined });
    return { client: storedView(updated, false), ...(clientSecret ? { clientSecret } : {}) };
  }

  /** Disabling is urgent and concerns one flag: it is applied on whatever revision is current. */
  async setDisabled(clientId: string, disabled: boolean, context: AuditContext): Promise<ClientView> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.#changeable(clientId);
      try {
        const updated = await this.#write(clientId, current.revision, { disabled });
        await this.#changed(disabled ? 'client.disabled' : 'client.enabled', updated, context);
        return storedView(updated, false);
      } catch (err) {
        if (!(err instanceof ClientRevisionConflictError) || attempt >= 4) throw err;
      }
    }
  }

  async rotateSecret(clientId: string, context: AuditContext): Promise<WithSecret> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.#changeable(clientId);
      const keeping = secretKeeping(current.metadata);
      if (keeping === 'none') throw new ClientHasNoSecretError();
      const clientSecret = generateClientSecret();
      const metadata = { ...current.metadata, client_secret: await this.#protect(clientSecret, keeping) };
      try {
        const updated = await this.#write(clientId, current.revision, { metadata });
        await this.#changed('client.secret_rotated', updated, context);
        return { client: storedView(updated, false), clientSecret };
      } catch (err) {
        if (!(err instanceof ClientRevisionConflictError) || attempt >= 4) throw err;
      }
    }
  }

  async delete(clientId: string, context: AuditContext): Promise<void> {
    const current = await this.#changeable(clientId);
    if (!await this.#deps.clients.delete(clientId)) throw new ClientNotFoundError();
    await this.#deps.audit.record('client.deleted', null, context, { clientId, revision: current.revision });
    await this.#deps.directory.refresh();
  }

  #clientIdOf(metadata: Readonly<Record<string, unknown>>): string {
    const clientId = metadata.client_id;
    if (typeof clientId !== 'string' || clientId.length === 0) throw new InvalidClientMetadataError({ field: 'client_id', detail: 'is required and must be a string' });
    if (!CLIENT_ID_PATTERN.test(clientId)) throw new InvalidClientMetadataError({ field: 'client_id', detail: 'may contain only letters, digits, "_", "-" and ":" (no dots), at most 128 characters' });
    return clientId;
  }

  async #stored(clientId: string): Promise<StoredClient> {
    const stored = CLIENT_ID_PATTERN.test(clientId) ? await this.#deps.clients.find(clientId) : undefined;
    if (!stored) throw new ClientNotFoundError();
    return stored;
  }

  /** A stored client the API may change: a fixed one's id is refused even when a stored copy exists. */
  async #changeable(clientId: string): Promise<StoredClient> {
    if (this.#deps.directory.isFixed(clientId)) throw new ClientManagedByFileError({ clientId });
    return this.#stored(clientId);
  }

  /**
   * The metadata to store: validated by oidc-provider with the secret it will have (the current
   * one kept when its keeping still fits, else a new one when the operator asked for it).
   */
  async #prepared(requested: Record<string, unknown>, currentSecret: unknown, newSecretAllowed: boolean): Promise<{ metadata: Record<string, unknown>; clientSecret?: string }> {
    const generated = GENERATED_FIELDS.find((field) => field in requested);
    if (generated) throw new InvalidClientMetadataError({ field: generated, detail: 'is set by tobira (a secret is generated and shown once); leave it out' });
    const keeping = secretKeeping(requested);
    if (keeping === 'seal' && !this.#deps.sealingKey) throw new ClientSecretKeyMissingError();
    const kept = (keeping === 'hash' && isHashedSecret(currentSecret)) || (keeping === 'seal' && isSealedSecret(currentSecret));
    const clientSecret = keeping === 'none' || (kept && !newSecretAllowed) ? undefined : generateClientSecret();
    if (keeping !== 'none' && !kept && !newSecretAllowed) throw new ClientSecretMustRotateError();
    // oidc-provider validates with a stand-in of the secret's kind: a real secret is what it checks.
    const candidate = keeping === 'none' ? requested : { ...requested, client_secret: clientSecret ?? generateClientSecret() };
    try {
      await this.#deps.validate(candidate);
    } catch (err) {
      if (err instanceof ClientMetadataRefusal) throw new InvalidClientMetadataError({ field: err.field, detail: err.detail }, { cause: err });
      throw err;
    }
    if (keeping === 'none') return { metadata: requested };
    if (clientSecret === undefined) return { metadata: { ...requested, client_secret: currentSecret } };
    return { metadata: { ...requested, client_secret: await this.#protect(clientSecret, keeping) }, clientSecret };
  }

  async #protect(secret: string, keeping: 'hash' | 'seal'): Promise<string> {
    if (keeping === 'hash') return hashClientSecret(secret);
    if (!this.#deps.sealingKey) throw new ClientSecretKeyMissingError();
    return sealClientSecret(secret, this.#deps.sealingKey);
  }

  async #write(clientId: string, revision: number, change: { metadata?: Record<string, unknown>; disabled?: boolean }): Promise<StoredClient> {
    try {
      const updated = await this.#deps.clients.update(clientId, revision, change);
      if (!updated) throw new ClientNotFoundError();
      return updated;
    } catch (err) {
      if (err instanceof RevisionConflictError) throw new ClientRevisionConflictError({ revision: err.revision }, { cause: err });
      throw err;
    }
  }

  async #changed(type: string, client: StoredClient, context: AuditContext, details: Record<string, unknown> = {}): Promise<void> {
    await this.#deps.audit.record(type, null, context, { clientId: client.clientId, revision: client.revision, ...details });
    // This process sees its own change at once; the others within CLIENTS_REFRESH_SECONDS.
    await this.#deps.directory.refresh();
  }
}
