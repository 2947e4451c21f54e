// Opening the mongoose connection and classifying driver errors, so every repository maps
// "server unreachable" and "duplicate key" the same way.
import mongoose from 'mongoose';
import { DuplicateKeyError, StoreUnavailableError } from '../errors.ts';

export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5000;

export interface ConnectOptions {
  /** How long an operation waits for a reachable server before failing; short so /readyz and start-up fail fast. */
  serverSelectionTimeoutMS?: number;
  /**
   * Called with the name of every command sent to the server (one call = one round trip); the
   * bench counts round trips per flow with it. Off unless given: monitoring costs an event per command.
   */
  onCommand?: (commandName: string) => void;
}

/** Resolves once the server answered; rejects with StoreUnavailableError when it cannot be reached. */
export async function connect(uri: string, options: ConnectOptions = {}): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(uri, {
    // Indexes are created explicitly by init(), never as a side effect of compiling a model.
    autoIndex: false,
    autoCreate: false,
    // Without this, mongoose queues commands while disconnected and a dead server looks like a hang.
    bufferCommands: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
    ...(options.onCommand ? { monitorCommands: true } : {}),
  });
  const onCommand = options.onCommand;
  if (onCommand) connection.getClient().on('commandStarted', (event) => onCommand(event.commandName));
  try {
    await connection.asPromise();
  } catch (err) {
    await connection.close(true).catch(() => undefined);
    throw toStoreError(err);
  }
  return connection;
}

// Names rather than classes for the mongoose and pool errors: those classes are not all exported.
const UNAVAILABLE_ERROR_NAMES = new Set([
  'MongooseServerSelectionError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'MongoServerClosedError',
]);

export function isUnavailableError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoNetworkError
    || (err instanceof Error && UNAVAILABLE_ERROR_NAMES.has(err.name));
}

export function isDuplicateKeyError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoError && err.code === 11000;
}

/**
 * Inserts `document`; a duplicate key becomes DuplicateKeyError(`field`), for collections where
 * only that one unique field can clash.
 */
export async function insertUnique<T extends mongoose.mongo.Document>(collection: mongoose.mongo.Collection<T>, document: mongoose.mongo.OptionalUnlessRequiredId<T>, field: string): Promise<void> {
  try {
    await collection.insertOne(document);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new DuplicateKeyError(field, { cause: err });
    throw err;
  }
}

/** Server codes meaning "this index option is not implemented here" (FerretDB answers NotImplemented). */
export function isUnsupportedIndexOptionError(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoServerError
    && (err.code === 238 /* NotImplemented */ || err.code === 197 /* InvalidIndexSpecificationOption */);
}

export function toStoreError(err: unknown): unknown {
  return isUnavailableError(err) ? new StoreUnavailableError({ cause: err }) : err;
}

/** Runs one store operation, turning connectivity failures into StoreUnavailableError. */
export async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw toStoreError(err);
  }
}

/** The native database handle; mongoose's collection wrappers add buffering we do not want. */
export function database(connection: mongoose.Connection): mongoose.mongo.Db {
  const db = connection.db;
  if (!db) throw new StoreUnavailableError({ cause: new Error('mongo connection has no database handle') });
  return db;
}

/**
 * Writes `document` under `id`, whether or not one exists. A new id is inserted: FerretDB 1.x
 * (SQLite) inserts in constant time but applies replaceOne, updateOne and deleteOne by scanning
 * the whole collection, even with a filter of just { _id } (measured: 1 ms for an insert against
 * 50-75 ms for a replace at 6 000 documents), unless a deployment added the `_id` index its
 * queries can use (scripts/ferretdb-sqlite-id-index.ts; then about 1 ms each). An existing id is replaced with upsert, retried once:
 * FerretDB upserts as find-then-insert, so two first writers of one _id race and one gets a
 * duplicate key error; by then the document exists.
 */
export async function replaceUpserting<T extends { _id: string }>(collection: mongoose.mongo.Collection<T>, id: string, document: Omit<T, '_id'>): Promise<void> {
  try {
    await collection.insertOne({ _id: id, ...document } as unknown as mongoose.mongo.OptionalUnlessRequiredId<T>);
    return;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const filter = { _id: id } as mongoose.mongo.Filter<T>;
  const replacement = document as mongoose.mongo.WithoutId<T>;
  try {
    await collection.replaceOne(filter, replacement, { upsert: true });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await collection.replaceOne(filter, replacement, { upsert: true });
  }
}
