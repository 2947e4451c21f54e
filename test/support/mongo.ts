// The MongoDB-compatible server the mongo-store tests run against: the server in MONGODB_URI when
// set, otherwise one FerretDB (SQLite backend, throwaway folder) started lazily for the whole run.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ferretdbBinaryPath } from '../../scripts/ensure-ferretdb.ts';
import { addIdPathIndexes } from '../../scripts/ferretdb-sqlite-id-index.ts';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
const STDERR_LIMIT = 8192;

interface RunningFerret {
  child: ChildProcess;
  port: number;
  dir: string;
}

let starting: Promise<RunningFerret> | undefined;
/** Databases handed out on a MONGODB_URI server; dropped at the end so a shared server stays clean. */
const externalDatabases = new Set<string>();

/** A database name unique to this run: letters, digits and '_' only, short enough for every server. */
export function uniqueDbName(prefix: string): string {
  const safe = prefix.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30);
  return `${safe}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** `uri` with its database replaced by `dbName`, keeping host list, credentials and query string. */
export function withDatabase(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/([^?]*))?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`MONGODB_URI is not a mongodb:// URI: ${uri}`);
  const [, base = '', oldDb = '', query = ''] = match;
  // The driver authenticates against the URI's database unless authSource says otherwise, so
  // swapping the database must not silently change where the credentials are checked.
  const needsAuthSource = base.includes('@') && !/[?&]authSource=/i.test(query);
  const search = needsAuthSource ? `${query ? `${query}&` : '?'}authSource=${oldDb || 'admin'}` : query;
  return `${base}/${dbName}${search}`;
}

export async function mongoTestUri(dbName: string): Promise<string> {
  const external = process.env.MONGODB_URI;
  if (external) {
    externalDatabases.add(dbName);
    return withDatabase(external, dbName);
  }
  starting ??= startFerret();
  const { port } = await starting;
  return `mongodb://${HOST}:${port}/${dbName}`;
}

/**
 * The SQLite directory of the FerretDB started here (undefined with MONGODB_URI), for tests of
 * what a deployment does to FerretDB's files (scripts/ferretdb-sqlite-id-index.ts).
 */
export async function ferretdbSqliteDir(): Promise<string | undefined> {
  if (process.env.MONGODB_URI) return undefined;
  starting ??= startFerret();
  return (await starting).dir;
}

/**
 * TOBIRA_TEST_FERRETDB_ID_INDEX=1 gives every test database the `_id` index docs/performance.md
 * recommends for FerretDB on SQLite, once its store's init() has created the collections: the
 * same suites then run as such a deployment would.
 */
export async function indexIdsIfAsked(dbName: string): Promise<void> {
  if (process.env.TOBIRA_TEST_FERRETDB_ID_INDEX !== '1') return;
  const dir = await ferretdbSqliteDir();
  if (dir) addIdPathIndexes(dir, dbName);
}

export async function stopMongoTestServer(): Promise<void> {
  await dropExternalDatabases();
  const pending = starting;
  starting = undefined;
  if (!pending) return;
  const running = await pending.catch(() => undefined);
  if (!running) return;
  await stopChild(running.child);
  rmSync(running.dir, { recursive: true, force: true });
}

async function dropExternalDatabases(): Promise<void> {
  const external = process.env.MONGODB_URI;
  if (!external || externalDatabases.size === 0) return;
  const connection = await mongoose.createConnection(withDatabase(external, 'admin'), { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    for (const name of externalDatabases) await connection.useDb(name).dropDatabase();
    externalDatabases.clear();
  } finally {
    await connection.close();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startFerret(): Promise<RunningFerret> {
  const binary = ferretdbBinaryPath();
  if (!existsSync(binary)) {
    throw new Error(`FerretDB binary not found at ${binary}. Build it once with: node scripts/ensure-ferretdb.ts (or set MONGODB_URI)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tobira-ferretdb-'));
  const port = await freePort();
  const child = spawn(binary, [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--state-dir=${dir}`,
    `--listen-addr=${HOST}:${port}`,
    // '-' turns the debug HTTP server off; its default 127.0.0.1:8088 clashes with other services.
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });

  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk;
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once('error', (err) => {
    exited = `failed to start: ${err.message}`;
  });
  // If mocha dies without running the root hooks, do not leave a server and its files behind.
  const cleanUpOnExit = (): void => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanUpOnExit);
  child.once('exit', () => process.removeListener('exit', cleanUpOnExit));

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited === undefined && await canConnect(port)) return { child, port, dir };
    if (exited !== undefined || Date.now() >= deadline) {
      const why = exited ?? `did not accept connections on ${HOST}:${port} within ${START_TIMEOUT_MS / 1000} s`;
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`FerretDB (${binary}) ${why}. stderr:\n${stderr.trim() || '(empty)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
