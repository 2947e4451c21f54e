// Client registrations. Revision-checked updates go through ConsumptionClaims.updateVersion (FerretDB
// applies a conditional update by read-then-write, so the filter alone would let two edits of one
// revision both "win"); a create is an insert on the unique _id. The version token is one document
// rewritten with a fresh random value after every change: a lost concurrent write still leaves a
// value no poller has seen.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { RevisionConflictError } from '../errors.ts';
import type { ClientRepository, NewStoredClient, StoredClient, StoredClientChange } from '../ports/clients.ts';
import { decode, encode } from './codec.ts';
import { guard, insertUnique, replaceUpserting } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';

export const CLIENTS_COLLECTION = 'clients';
const VERSION_COLLECTION = 'client_versions';
const VERSION_ID = 'clients';

interface ClientDocument {
  _id: string;
  metadata: unknown;
  disabled: boolean;
  revision: number;
  /** The write-claim version (ConsumptionClaims.updateVersion); `revision` is what callers see. */
  rev: string;
  createdAt: Date;
  updatedAt: Date;
}

interface VersionDocument {
  _id: string;
  token: string;
}

function toClient(document: ClientDocument): StoredClient {
  return {
    clientId: document._id,
    metadata: decode(document.metadata) as Record<string, unknown>,
    disabled: document.disabled,
    revision: document.revision,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
  };
}

export class MongoClients implements ClientRepository {
  readonly #collection: mongoose.mongo.Collection<ClientDocument>;
  readonly #versions: mongoose.mongo.Collection<VersionDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<ClientDocument>(CLIENTS_COLLECTION);
    this.#versions = db.collection<VersionDocument>(VERSION_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async #changed(): Promise<void> {
    await replaceUpserting(this.#versions, VERSION_ID, { token: randomUUID() });
  }

  create(client: NewStoredClient): Promise<StoredClient> {
    return guard(async () => {
      const at = new Date(this.#now());
      const document: ClientDocument = { _id: client.clientId, metadata: encode(client.metadata), disabled: client.disabled, revision: 1, rev: randomUUID(), createdAt: at, updatedAt: at };
      await insertUnique(this.#collection, document, 'client_id');
      await this.#changed();
      return toClient(document);
    });
  }

  find(clientId: string): Promise<StoredClient | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: clientId });
      return document ? toClient(document) : undefined;
    });
  }

  list(): Promise<StoredClient[]> {
    return guard(async () => (await this.#collection.find({}).sort({ _id: 1 }).toArray()).map(toClient));
  }

  update(clientId: string, revision: number, change: StoredClientChange): Promise<StoredClient | undefined> {
    return guard(async () => {
      const current = await this.#collection.findOne({ _id: clientId });
      if (!current) return undefined;
      if (current.revision !== revision) throw new RevisionConflictError(current.revision);
      const set: Partial<Omit<ClientDocument, '_id' | 'rev'>> = {
        ...(change.metadata ? { metadata: encode(change.metadata) } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        revision: revision + 1,
        updatedAt: new Date(this.#now()),
      };
      const written = await this.#claims.updateVersion(this.#collection, clientId, current.rev, set, this.#now());
      if (written === undefined) {
        // Another edit of the same revision won (or the client was deleted meanwhile).
        const now = await this.#collection.findOne({ _id: clientId });
        if (!now) return undefined;
        throw new RevisionConflictError(now.revision);
      }
      await this.#changed();
      const updated = await this.#collection.findOne({ _id: clientId });
      return updated ? toClient(updated) : undefined;
    });
  }

  delete(clientId: string): Promise<boolean> {
    return guard(async () => {
      const { deletedCount } = await this.#collection.deleteOne({ _id: clientId });
      if (deletedCount > 0) await this.#changed();
      return deletedCount > 0;
    });
  }

  findVersion(): Promise<string | undefined> {
    return guard(async () => (await this.#versions.findOne({ _id: VERSION_ID }))?.token);
  }
}
