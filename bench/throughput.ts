// Throughput bench: tobira as its own process (pinned to one core with taskset when available),
// virtual users on the other core doing complete flows through real HTTP, each flow with a fresh
// cookie jar. Per scenario and number of users it prints and saves flows/s, p50/p99, errors,
// the server's and the database's CPU seconds (from /proc), flows per server CPU-second, RSS, and
// store calls / database round trips per flow (counted inside the server, see bench/server.ts).
//
//   npm run bench -- --store=memory|mongo --users=8,32 --duration=10 --scenarios=passkey,refresh
//   npm run bench -- --store=mongo --processes=2       (two servers on one database)
//   npm run bench -- --store=mongo --ferretdb=postgresql (FerretDB on a throwaway PostgreSQL cluster)
//   npm run bench -- --scenarios=passkey --profile     (CPU profile of the server: test-output/bench/profiles)
//   npm run bench -- --rounds=5                        (the whole grid five times over, then median and range per line)
//   npm run bench -- soak [--signins=20000] [--store=mongo] [--users=8]   (RSS over 20 000 sign-ins: a plateau?)
//   npm run bench -- ... --node-defaults               (without the Dockerfile's runtime settings)
//
// Each server runs with the runtime settings of the Dockerfile's image (its ENV, e.g.
// MALLOC_ARENA_MAX and NODE_OPTIONS, and the node flags of its CMD: read from the Dockerfile,
// bench/runtime-settings.ts) unless --node-defaults.
// The memory store runs with NODE_ENV=development (production refuses it); the mongo store runs
// with NODE_ENV=production on FerretDB (or MONGODB_URI), FerretDB pinned to the server's core.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setDefaultResultOrder } from 'node:dns';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import * as oidc from 'openid-client';
import { ferretdbBinaryPath } from '../scripts/ensure-ferretdb.ts';
import { addIdPathIndexes } from '../scripts/ferretdb-sqlite-id-index.ts';
import { postJson } from '../test/support/account-menu.ts';
import { HttpBrowser, type Page } from '../test/support/http-browser.ts';
import { discover, PARTNER_CALLBACK, partnerClient, redeem, signUpAndConsent, startAuthorization, PASSWORD } from '../test/support/partner.ts';
import { harness, jsonOf, type Phone } from '../test/support/push-harness.ts';
import { PushReceiver, testTls } from '../test/support/push-receiver.ts';
import { SmsSink } from '../test/support/sms-sink.ts';
import { SmtpSink } from '../test/support/smtp-sink.ts';
import { SoftAuthenticator } from '../test/support/soft-authenticator.ts';
import { writeClientsFile } from '../test/support/tobira.ts';
import { cpuSeconds, loadAverage, rssMb, treeCpuSeconds } from './proc.ts';
import { describeEnv, dockerNodeFlags, productionRuntimeEnv } from './runtime-settings.ts';

const ALL_SCENARIOS = ['password', 'passkey', 'push', 'refresh', 'introspection', 'client_credentials'] as const;
type ScenarioName = (typeof ALL_SCENARIOS)[number];

export interface ThroughputOptions {
  store: 'memory' | 'mongo';
  users: number[];
  durationSeconds: number;
  warmupSeconds: number;
  scenarios: ScenarioName[];
  processes: number;
  /** FerretDB's storage when the bench starts the database (not with MONGODB_URI). */
  ferretdb: 'sqlite' | 'postgresql';
  /**
   * Add the `_id` index FerretDB's queries can use (scripts/ferretdb-sqlite-id-index.ts, or
   * ferretdb-postgresql-id-index.sql), as docs/performance.md tells a deployment to;
   * `--ferretdb-stock` measures FerretDB without it.
   */
  ferretdbIdIndex: boolean;
  logLevel: string;
  notify: boolean;
  /** Writes a V8 CPU profile of each server process (node --cpu-prof) into this folder. */
  profileDir: string | undefined;
  out: string | undefined;
  /** Soak: this many sign-ins of the first scenario (passkey by default), RSS sampled as they go. */
  soak: number | undefined;
  /** The partner's registered ID token algorithm: RS256 (the default for a partner that names none) or ES256. */
  idTokenAlg: 'RS256' | 'ES256';
  /** False with --node-defaults: the servers run without the Dockerfile's runtime settings. */
  productionRuntime: boolean;
  /**
   * How many times the whole grid (every scenario at every number of users) runs, one round after
   * the other, so that a shared machine's slow minutes spread over every line instead of landing
   * on one; with more than one, a median and range per line follow the table.
   */
  rounds: number;
}

function option(args: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

export function parseThroughputOptions(args: string[]): ThroughputOptions {
  const store = option(args, 'store') ?? (args.includes('--mongo') ? 'mongo' : 'memory');
  if (store !== 'memory' && store !== 'mongo') throw new Error(`--store must be memory or mongo, got ${store}`);
  const scenarios = (option(args, 'scenarios') ?? (args[0] === 'soak' ? 'passkey' : ALL_SCENARIOS.join(','))).split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s as ScenarioName)) throw new Error(`unknown scenario ${s}; known: ${ALL_SCENARIOS.join(', ')}`);
  const processes = Number(option(args, 'processes') ?? 1);
  if (store === 'memory' && processes !== 1) throw new Error('--processes above 1 needs the mongo store (memory stores are not shared)');
  return {
    store,
    users: (option(args, 'users') ?? option(args, 'concurrency') ?? '8,32').split(',').map(Number),
    durationSeconds: Number(option(args, 'duration') ?? 10),
    warmupSeconds: Number(option(args, 'warmup') ?? 2),
    scenarios: scenarios as ScenarioName[],
    processes,
    ferretdb: option(args, 'ferretdb') === 'postgresql' ? 'postgresql' : 'sqlite',
    ferretdbIdIndex: !args.includes('--ferretdb-stock'),
    logLevel: option(args, 'log-level') ?? 'info',
    notify: args.includes('--notify'),
    profileDir: args.includes('--profile') ? join('test-output', 'bench', 'profiles') : undefined,
    out: option(args, 'out'),
    soak: args[0] === 'soak' ? Number(option(args, 'signins') ?? 20_000) : undefined,
    idTokenAlg: idTokenAlg(option(args, 'id-token-alg')),
    productionRuntime: !args.includes('--node-defaults'),
    rounds: positiveInteger(option(args, 'rounds') ?? '1', '--rounds'),
  };
}

function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${value}`);
  return n;
}

function idTokenAlg(value: string | undefined): 'RS256' | 'ES256' {
  if (value === undefined || value === 'RS256' || value === 'ES256') return value ?? 'RS256';
  throw new Error(`--id-token-alg must be RS256 or ES256, got ${value}`);
}

const HOST = '127.0.0.1';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const HAS_TASKSET = spawnSync('taskset', ['-V']).status === 0 && cpus().length >= 2;
/** The server (and the database) run on this core, the load generator on the others. */
const SERVER_CPU = String(cpus().length - 1);
const LOAD_CPUS = `0-${cpus().length - 2}`;

function pinned(command: string, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', SERVER_CPU, command, ...args]] : [command, args];
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
      socket.connect(port, HOST);
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The database tobira uses on the FerretDB the bench starts (a PostgreSQL schema of that name). */
export const FERRET_DATABASE = 'tobira_bench';

export interface Ferret {
  uri: string;
  /** The processes whose CPU is the database's: FerretDB, and PostgreSQL's process tree. */
  pids: number[];
  /** The commands FerretDB has answered so far, by name (its own metrics). */
  commands(): Promise<Record<string, number>>;
  /** FerretDB's SQLite directory (SQLite backend only). */
  sqliteDir?: string;
  /** FerretDB's PostgreSQL (PostgreSQL backend only). */
  postgresqlUrl?: string;
  stop(): Promise<void>;
}

/**
 * Round trips are counted by FerretDB, not by the server: the driver's command monitoring (which
 * counts them in the server) builds an event per command and decodes every reply twice, and made
 * the server's CPU per passkey sign-in half as large again (25 → 40 sign-ins per server CPU-second).
 * The connection handshake and the driver's heartbeats are not the flows' round trips.
 */
const NOT_A_FLOW_COMMAND = new Set(['hello', 'ismaster', 'isMaster', 'buildInfo', 'buildinfo', 'ping', 'endSessions', 'unknown']);

async function ferretCommands(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^ferretdb_client_requests_total\{command="([^"]+)",opcode="OP_MSG"\} (\d+)$/gm)) {
    if (!NOT_A_FLOW_COMMAND.has(match[1]!)) counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

interface Postgres {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster (Debian's `postgresql`: initdb and postgres on PATH) on loopback,
 * pinned to the server's core. As root it runs as the `postgres` user, which initdb requires.
 */
async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'tobira-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, -1);
  }
  const as = (command: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
  const [initCommand, initArgs] = as('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  execFileSync(initCommand, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const [command, args] = pinned(...as('postgres', ['-D', join(dir, 'data'), '-p', String(port), '-c', `listen_addresses=${HOST}`, '-c', `unix_socket_directories=${dir}`]));
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitForPort(port, child, 'PostgreSQL');
  return {
    url: `postgres://postgres@${HOST}:${port}/postgres`,
    pid: child.pid,
    async stop() {
      // The postmaster's pid (first line of postmaster.pid): a fast shutdown ends every backend.
      const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.exitCode === null) process.kill(postmaster, 'SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * FerretDB on the server's core: on SQLite in a throwaway folder, as test/support/mongo.ts starts
 * it, or on a throwaway PostgreSQL cluster.
 */
export async function startFerret(backend: 'sqlite' | 'postgresql'): Promise<Ferret> {
  const binary = ferretdbBinaryPath();
  if (!existsSync(binary)) throw new Error(`FerretDB not found at ${binary}: run node scripts/ensure-ferretdb.ts (or set MONGODB_URI)`);
  const dir = mkdtempSync(join(tmpdir(), 'tobira-bench-ferretdb-'));
  const postgres = backend === 'postgresql' ? await startPostgres() : undefined;
  const port = await freePort();
  const debugPort = await freePort();
  const storage = postgres
    ? ['--handler=postgresql', `--postgresql-url=${postgres.url}`]
    : ['--handler=sqlite', `--sqlite-url=file:${dir}/`];
  const [command, args] = pinned(binary, [
    ...storage, `--state-dir=${dir}`, `--listen-addr=${HOST}:${port}`, `--debug-addr=${HOST}:${debugPort}`, '--telemetry=disable', '--log-level=error',
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, child, 'FerretDB');
  return {
    uri: `mongodb://${HOST}:${port}/${FERRET_DATABASE}`,
    pids: [child.pid, postgres?.pid].filter((pid): pid is number => pid !== undefined),
    commands: () => ferretCommands(`http://${HOST}:${debugPort}/debug/metrics`),
    ...(postgres ? { postgresqlUrl: postgres.url } : { sqliteDir: dir }),
    async stop() {
      await stopChild(child);
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The `_id` index FerretDB's queries can use, on every collection of `database` that exists now:
 * scripts/ferretdb-sqlite-id-index.ts, or scripts/ferretdb-postgresql-id-index.sql through psql.
 */
export function addFerretIdIndexes(ferret: Ferret, database: string): void {
  if (ferret.sqliteDir) addIdPathIndexes(ferret.sqliteDir, database);
  if (ferret.postgresqlUrl) {
    execFileSync('psql', [ferret.postgresqlUrl, '-q', '-v', 'ON_ERROR_STOP=1', '-v', `schema=${database}`, '-f', join(import.meta.dirname, '..', 'scripts', 'ferretdb-postgresql-id-index.sql')], {
      stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
    });
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

interface Counts {
  storeCalls: Record<string, number>;
  dbCommands: Record<string, number>;
}

class BenchServer {
  readonly child: ChildProcess;
  readonly port: number;

  constructor(child: ChildProcess, port: number) {
    this.child = child;
    this.port = port;
  }

  static async start(env: Record<string, string>, nodeFlags: string[], port: number, profileDir: string | undefined): Promise<BenchServer> {
    const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const flags = [...new Set(['--disable-warning=ExperimentalWarning', ...nodeFlags, '--expose-gc', ...profiling])];
    const [command, args] = pinned(process.execPath, [...flags, join(import.meta.dirname, 'server.ts')]);
    const child = spawn(command, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bench server exited with code ${code}`)));
      child.on('message', (m: { type?: string }) => { if (m.type === 'listening') resolve(); });
    });
    return new BenchServer(child, port);
  }

  #ask<T>(type: string): Promise<T> {
    return new Promise<T>((resolve) => {
      const listener = (m: { type?: string }): void => {
        if (m.type !== type) return;
        this.child.off('message', listener);
        resolve(m as T);
      };
      this.child.on('message', listener);
      this.child.send({ type });
    });
  }

  counts(): Promise<Counts> {
    return this.#ask<Counts>('counts');
  }

  /** What the memory store holds per repository and oidc model (empty on the mongo store). */
  footprint(): Promise<Record<string, { records: number; bytes: number }>> {
    return this.#ask<{ footprint: Record<string, { records: number; bytes: number }> }>('footprint').then((m) => m.footprint);
  }

  /** Collects garbage in the server; answers the heap in use afterwards, in MB. */
  gc(): Promise<number> {
    return this.memory().then((m) => m.heapUsedMb);
  }

  /** Collects garbage in the server; answers its memory afterwards, in MB (heap committed, external). */
  memory(): Promise<{ heapUsedMb: number; heapTotalMb: number; externalMb: number; rssMb: number }> {
    return this.#ask('gc');
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface ScenarioResult {
  scenario: string;
  users: number;
  /** Which round of `--rounds` (1 without it). */
  round: number;
  flows: number;
  seconds: number;
  flowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
  serverCpuSeconds: number;
  databaseCpuSeconds: number;
  flowsPerServerCpuSecond: number;
  flowsPerTotalCpuSecond: number;
  storeCallsPerFlow: number;
  dbRoundTripsPerFlow: number;
  storeCallsByMethod: Record<string, number>;
  dbCommandsByName: Record<string, number>;
  rssAfterMb: number;
  /** Push only: from the phone's approval to the browser back at the partner, signed in. */
  approvalToSignedInP50Ms?: number;
  approvalToSignedInP99Ms?: number;
}

/** One virtual user's flow; `vu` picks the user's account, phone or token. */
type Flow = (vu: number) => Promise<void>;

interface Scenario {
  /** Makes sure users 0..count-1 exist (accounts, passkeys, phones, tokens). */
  prepare(count: number): Promise<void>;
  flow: Flow;
}

export async function runThroughput(options: ThroughputOptions): Promise<ScenarioResult[]> {
  setDefaultResultOrder('ipv4first');
  if (HAS_TASKSET) spawnSync('taskset', ['-a', '-p', '-c', LOAD_CPUS, String(process.pid)], { stdio: 'ignore' });
  const smtp = new SmtpSink();
  const sms = new SmsSink();
  const receiver = new PushReceiver();
  const ferret = options.store === 'mongo' && !process.env.MONGODB_URI ? await startFerret(options.ferretdb) : undefined;
  const servers: BenchServer[] = [];
  const results: ScenarioResult[] = [];
  try {
    const smtpUrl = await smtp.start();
    const smsUrl = await sms.start();
    await receiver.start();
    const ports = await Promise.all(Array.from({ length: options.processes }, () => freePort()));
    const issuer = `http://localhost:${ports[0]}`;
    const env: Record<string, string> = {
      NODE_ENV: process.env.BENCH_NODE_ENV ?? (options.store === 'mongo' ? 'production' : 'development'),
      ISSUER: issuer,
      LOG_LEVEL: options.logLevel,
      DEMO: 'false',
      CLIENTS_FILE: writeClientsFile([partnerClient({ id_token_signed_response_alg: options.idTokenAlg }), BACKEND_CLIENT]),
      RESOURCES_FILE: writeResourcesFile(),
      SMTP_URL: smtpUrl,
      SMS_HOOK_URL: smsUrl,
      ALLOW_GENERATED_SECRETS: 'true',
      NOTIFY_NEW_SIGN_IN: String(options.notify),
      PUSH_ENDPOINT_HOSTS: HOST,
      PUSH_CA_FILE: testTls().caFile,
      PUSH_MAX_PER_HOUR: '1000',
      PUSH_MAX_PENDING: '20',
      ...(options.store === 'mongo' ? { MONGODB_URI: process.env.MONGODB_URI ?? ferret!.uri } : {}),
      // Only a database the bench does not run is counted by the servers' driver (see NOT_A_FLOW_COMMAND).
      ...(options.store === 'mongo' && !ferret ? { BENCH_COUNT_DRIVER_COMMANDS: 'true' } : {}),
    };
    const runtime = options.productionRuntime ? productionRuntimeEnv() : {};
    const nodeFlags = options.productionRuntime ? dockerNodeFlags() : [];
    Object.assign(env, runtime);
    // One after the other: the first creates the generated keys in the database, the next reads them.
    for (const port of ports) servers.push(await BenchServer.start(env, nodeFlags, port, options.profileDir));
    // After init() created the collections; again after each warm-up for any created by a flow.
    const indexIds = (): void => {
      if (ferret && options.ferretdbIdIndex) addFerretIdIndexes(ferret, FERRET_DATABASE);
    };
    indexIds();
    const serverPids = servers.map((s) => s.child.pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const heapIdle = await Promise.all(servers.map((s) => s.gc()));
    const rssIdle = serverPids.map(rssMb);

    /** Requests of user `vu` go to server vu mod N; the URL the user sees stays the issuer's. */
    const routeFor = (vu: number) => (url: URL): URL => {
      if (url.hostname !== 'localhost') return url;
      // The host stays `localhost` (the issuer's; tobira builds redirects from it); localhost
      // resolves to 127.0.0.1 first (setDefaultResultOrder below), where the servers listen.
      const routed = new URL(url);
      routed.port = String(ports[vu % ports.length]);
      return routed;
    };
    const configs = await Promise.all(ports.map((_p, i) => discover(issuer, 'partner-web', undefined, routeFor(i))));
    const configFor = (vu: number): oidc.Configuration => configs[vu % configs.length]!;
    const browserFor = (vu: number): HttpBrowser => {
      const browser = new HttpBrowser();
      browser.route = routeFor(vu);
      return browser;
    };
    const push = harness(() => issuer, () => receiver);
    const machines = await Promise.all(ports.map((_p, i) => discover(issuer, BACKEND_CLIENT.client_id, BACKEND_CLIENT.client_secret, routeFor(i))));
    const scenarios = buildScenarios({ issuer, configFor, browserFor, push, receiver, machineFor: (vu) => machines[vu % machines.length]! });

    const idIndex = options.ferretdbIdIndex ? ', with the _id index its queries use' : ', stock: no _id index its queries use';
    const database = options.store !== 'mongo' ? '' : process.env.MONGODB_URI ? ' (MONGODB_URI)' : ` (FerretDB on ${options.ferretdb}${idIndex})`;
    const header = `tobira throughput bench: ${options.store} store${database}, ${options.processes} server process(es)${HAS_TASKSET ? ` pinned to CPU ${SERVER_CPU}` : ' (taskset unavailable: not pinned)'}, `
      + `${options.durationSeconds} s per run after ${options.warmupSeconds} s warm-up, partner's ID tokens ${options.idTokenAlg}, Node ${process.version}, load average at start ${loadAverage()}; `
      + `runtime ${options.productionRuntime ? `as the Dockerfile's image (${describeEnv(runtime)}; node ${nodeFlags.join(' ')})` : 'Node\'s defaults (--node-defaults: not as production runs)'}`;
    console.log(header);
    console.log(`server RSS idle after start: ${rssIdle.map((r) => `${r.toFixed(0)} MB`).join(', ')} (JavaScript heap in use ${heapIdle.map((h) => `${h.toFixed(0)} MB`).join(', ')})`);
    if (options.soak !== undefined) {
      await soak(options, scenarios[options.scenarios[0]!], servers, options.users[0]!);
      return results;
    }
    printHeader();

    for (let roundNo = 1; roundNo <= options.rounds; roundNo += 1) {
      for (const name of options.scenarios) {
        for (const users of options.users) {
          const scenario = scenarios[name];
          await scenario.prepare(users);
          await drive(scenario.flow, users, options.warmupSeconds);
          indexIds();
          const before = await Promise.all(servers.map((s) => s.counts()));
          const dbBefore = await ferret?.commands();
          const cpuBefore = serverPids.map(cpuSeconds);
          const dbCpu0 = databaseCpu(ferret);
          approvalToSignedIn.length = 0;
          const run = await drive(scenario.flow, users, options.durationSeconds);
          const approvals = [...approvalToSignedIn].sort((a, b) => a - b);
          const cpuAfter = serverPids.map(cpuSeconds);
          const dbCpu1 = databaseCpu(ferret);
          const after = await Promise.all(servers.map((s) => s.counts()));
          const storeCalls: Record<string, number> = {};
          // FerretDB's count when the bench runs it; the servers' own (driver monitoring) with MONGODB_URI.
          const dbCommands: Record<string, number> = ferret ? diff(await ferret.commands(), dbBefore!) : {};
          after.forEach((a, i) => {
            for (const [k, v] of Object.entries(diff(a.storeCalls, before[i]!.storeCalls))) storeCalls[k] = (storeCalls[k] ?? 0) + v;
            if (!ferret) for (const [k, v] of Object.entries(diff(a.dbCommands, before[i]!.dbCommands))) dbCommands[k] = (dbCommands[k] ?? 0) + v;
          });
          const serverCpu = cpuAfter.reduce((sum, c, i) => sum + c - cpuBefore[i]!, 0);
          const dbCpu = dbCpu1 - dbCpu0;
          const flows = run.latencies.length;
          const sorted = [...run.latencies].sort((a, b) => a - b);
          const perFlow = (n: number): number => (flows > 0 ? n / flows : NaN);
          const result: ScenarioResult = {
            scenario: name,
            users,
            round: roundNo,
            flows,
            seconds: run.seconds,
            flowsPerSecond: flows / run.seconds,
            p50Ms: percentile(sorted, 50),
            p99Ms: percentile(sorted, 99),
            errors: run.errors,
            ...(run.firstError ? { firstError: run.firstError } : {}),
            serverCpuSeconds: serverCpu,
            databaseCpuSeconds: dbCpu,
            flowsPerServerCpuSecond: flows / serverCpu,
            flowsPerTotalCpuSecond: flows / (serverCpu + (Number.isNaN(dbCpu) ? 0 : dbCpu)),
            storeCallsPerFlow: perFlow(total(storeCalls)),
            dbRoundTripsPerFlow: options.store === 'mongo' ? perFlow(total(dbCommands)) : NaN,
            storeCallsByMethod: Object.fromEntries(Object.entries(storeCalls).map(([k, v]) => [k, round(perFlow(v), 2)])),
            dbCommandsByName: Object.fromEntries(Object.entries(dbCommands).map(([k, v]) => [k, round(perFlow(v), 2)])),
            rssAfterMb: serverPids.map(rssMb).reduce((a, b) => Math.max(a, b), 0),
            ...(approvals.length > 0 ? { approvalToSignedInP50Ms: percentile(approvals, 50), approvalToSignedInP99Ms: percentile(approvals, 99) } : {}),
          };
          results.push(result);
          printRow(result);
          smtp.messages.length = 0;
          sms.messages.length = 0;
        }
      }
    }
    const memoryEnd = await Promise.all(servers.map((s) => s.memory()));
    const heapEnd = memoryEnd.map((m) => m.heapUsedMb);
    const rssEnd = serverPids.map(rssMb);
    console.log(`server RSS after the runs (after a GC): ${rssEnd.map((r) => `${r.toFixed(0)} MB`).join(', ')} (heap in use ${heapEnd.map((h) => `${h.toFixed(0)} MB`).join(', ')}, `
      + `heap committed ${memoryEnd.map((m) => `${m.heapTotalMb.toFixed(0)} MB`).join(', ')}, external ${memoryEnd.map((m) => `${m.externalMb.toFixed(0)} MB`).join(', ')}); load average at end ${loadAverage()}`);
    for (const r of results) {
      if (r.approvalToSignedInP99Ms !== undefined) {
        console.log(`phone approval → browser signed in, ${r.users} users: p50 ${fmt(r.approvalToSignedInP50Ms ?? NaN)} ms, p99 ${fmt(r.approvalToSignedInP99Ms)} ms`);
      }
    }
    for (const r of results) if (r.firstError) console.log(`first error in ${r.scenario}/${r.users}: ${r.firstError}`);
    const summary = options.rounds > 1 ? summarise(results) : undefined;
    if (summary) printSummary(summary, options.rounds);
    const out = options.out ?? join('test-output', 'bench', `throughput-${options.store}-${options.processes}p-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({
      header, options, node: process.version, cpus: cpus().map((c) => c.model), pinned: HAS_TASKSET,
      loadAverageAtEnd: loadAverage(), rssIdleMb: rssIdle, rssEndMb: rssEnd, heapIdleMb: heapIdle, heapEndMb: heapEnd, results, ...(summary ? { summary } : {}),
    }, null, 2)}\n`);
    console.log(`saved ${out}`);
    return results;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await ferret?.stop();
    await receiver.stop();
    await smtp.stop();
    await sms.stop();
  }
}

/** One line of the grid over every round: median and range of flows/s and flows per server CPU-second. */
export interface RoundsSummary {
  scenario: string;
  users: number;
  rounds: number;
  flowsPerSecond: { median: number; min: number; max: number };
  flowsPerServerCpuSecond: { median: number; min: number; max: number };
  p99Ms: { median: number; max: number };
  errors: number;
}

function spread(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function summarise(results: ScenarioResult[]): RoundsSummary[] {
  const lines = new Map<string, ScenarioResult[]>();
  for (const r of results) {
    const key = `${r.scenario}/${r.users}`;
    lines.set(key, [...(lines.get(key) ?? []), r]);
  }
  return [...lines.values()].map((runs) => {
    const p99 = spread(runs.map((r) => r.p99Ms));
    return {
      scenario: runs[0]!.scenario,
      users: runs[0]!.users,
      rounds: runs.length,
      flowsPerSecond: spread(runs.map((r) => r.flowsPerSecond)),
      flowsPerServerCpuSecond: spread(runs.map((r) => r.flowsPerServerCpuSecond)),
      p99Ms: { median: p99.median, max: p99.max },
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
    };
  });
}

function printSummary(summary: RoundsSummary[], rounds: number): void {
  console.log(`over ${rounds} rounds (median, and the range in brackets):`);
  for (const line of summary) {
    const { flowsPerSecond: f, flowsPerServerCpuSecond: c } = line;
    console.log(`${line.scenario.padStart(14)} ${String(line.users).padStart(5)}   flows/s ${fmt(f.median)} [${fmt(f.min)}–${fmt(f.max)}]   `
      + `flows/srv-CPU-s ${fmt(c.median)} [${fmt(c.min)}–${fmt(c.max)}]   p99 ms ${fmt(line.p99Ms.median)} (max ${fmt(line.p99Ms.max)})   errors ${line.errors}`);
  }
}

/** Issue 13's target for the soak: RSS levels off below this. */
const RSS_TARGET_MB = 250;

/**
 * `npm run bench -- soak`: sign-ins back to back until `options.soak` are done, the server's RSS
 * (and JavaScript heap after a GC) sampled twenty times on the way, then whether RSS reached a
 * plateau: the highest sample of the last quarter at most 5 % above the highest of the quarter
 * before it. Not part of CI: 20 000 sign-ins take minutes on the memory store, hours on FerretDB.
 */
async function soak(options: ThroughputOptions, scenario: Scenario, servers: BenchServer[], users: number): Promise<void> {
  const target = options.soak ?? 0;
  const step = Math.max(1, Math.round(target / 20));
  await scenario.prepare(users);
  const prepared = await Promise.all(servers.map((s) => s.memory()));
  const heldBefore = await servers[0]!.footprint();
  console.log(`after preparing ${users} users: RSS ${prepared.map((m) => `${m.rssMb.toFixed(0)} MB`).join(', ')} (heap in use after a GC ${prepared.map((m) => `${m.heapUsedMb.toFixed(0)} MB`).join(', ')}): the soak's baseline`);
  const samples: Array<{ signIns: number; seconds: number; rssMb: number; heapMb: number; heapCommittedMb: number; externalMb: number; errors: number }> = [];
  const started = performance.now();
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const sample = async (): Promise<void> => {
    const rss = Math.max(...servers.map((s) => rssMb(s.child.pid)));
    const memory = await Promise.all(servers.map((s) => s.memory()));
    const heap = Math.max(...memory.map((m) => m.heapUsedMb));
    const committed = Math.max(...memory.map((m) => m.heapTotalMb));
    const external = Math.max(...memory.map((m) => m.externalMb));
    samples.push({ signIns: done, seconds: (performance.now() - started) / 1000, rssMb: rss, heapMb: heap, heapCommittedMb: committed, externalMb: external, errors });
    console.log(`${String(done).padStart(7)} sign-ins ${((performance.now() - started) / 1000).toFixed(0).padStart(6)} s   RSS ${rss.toFixed(0).padStart(5)} MB   heap after GC ${heap.toFixed(0).padStart(4)} MB`
      + ` (committed ${committed.toFixed(0).padStart(4)} MB, external ${external.toFixed(0).padStart(3)} MB)   errors ${errors}`);
  };
  console.log(`soak: ${target} ${options.scenarios[0]} sign-ins, ${users} users, RSS every ${step}`);
  await sample();
  while (done < target) {
    const run = await driveCount(scenario.flow, users, Math.min(step, target - done));
    done += run.latencies.length;
    errors += run.errors;
    if (run.firstError && firstError === undefined) {
      firstError = run.firstError;
      console.log(`first error: ${firstError}`);
    }
    await sample();
  }
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const last = Math.max(...samples.slice(-quarter).map((x) => x.rssMb));
  const before = Math.max(...samples.slice(-2 * quarter, -quarter).map((x) => x.rssMb));
  const plateau = last <= before * 1.05;
  console.log(`RSS: highest ${Math.max(...samples.map((x) => x.rssMb)).toFixed(0)} MB; last quarter ${last.toFixed(0)} MB against ${before.toFixed(0)} MB before it: `
    + `${plateau ? 'a plateau (grew at most 5 %)' : `still growing (${(((last / before) - 1) * 100).toFixed(1)} %)`}; `
    + `${Math.max(...samples.map((x) => x.rssMb)) < RSS_TARGET_MB ? 'under' : 'ABOVE'} the ${RSS_TARGET_MB} MB target (issue 13); errors ${errors}; load average at end ${loadAverage()}`);
  const baseline = samples[0]!;
  const end = samples.at(-1)!;
  const signIns = Math.max(1, end.signIns);
  console.log(`over ${end.signIns} sign-ins from the baseline: RSS ${baseline.rssMb.toFixed(0)} → ${end.rssMb.toFixed(0)} MB (${(((end.rssMb - baseline.rssMb) * 1048576) / signIns / 1024).toFixed(2)} KB per sign-in), `
    + `heap after a GC ${baseline.heapMb.toFixed(0)} → ${end.heapMb.toFixed(0)} MB (${(((end.heapMb - baseline.heapMb) * 1048576) / signIns / 1024).toFixed(2)} KB per sign-in)`);
  const heldAfter = await servers[0]!.footprint();
  const retained = Object.keys(heldAfter).sort().map((name) => {
    const before = heldBefore[name] ?? { records: 0, bytes: 0 };
    const after = heldAfter[name]!;
    return { name, records: after.records, bytes: after.bytes, recordsPerSignIn: (after.records - before.records) / signIns, bytesPerSignIn: (after.bytes - before.bytes) / signIns };
  });
  if (retained.length > 0) {
    console.log('what the memory store holds at the end (bytes: JSON length, a floor on the heap it costs):');
    console.log(`${'repository / model'.padEnd(26)} ${'records'.padStart(8)} ${'KB'.padStart(8)} ${'records/sign-in'.padStart(16)} ${'bytes/sign-in'.padStart(14)}`);
    for (const r of retained) {
      console.log(`${r.name.padEnd(26)} ${String(r.records).padStart(8)} ${(r.bytes / 1024).toFixed(0).padStart(8)} ${r.recordsPerSignIn.toFixed(2).padStart(16)} ${r.bytesPerSignIn.toFixed(0).padStart(14)}`);
    }
  }
  const out = options.out ?? join('test-output', 'bench', `soak-${options.store}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ options, node: process.version, firstError, runtime: options.productionRuntime ? { env: productionRuntimeEnv(), nodeFlags: dockerNodeFlags() } : 'node defaults', prepared, samples, plateau, retained }, null, 2)}\n`);
  console.log(`saved ${out}`);
}

/** Runs flows on `users` virtual users until `count` have started; each finishes (or fails). */
function driveCount(flow: Flow, users: number, count: number): Promise<Run> {
  let started = 0;
  return driveWhile(flow, users, () => started++ < count);
}

function databaseCpu(ferret: Ferret | undefined): number {
  return ferret ? ferret.pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0) : NaN;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const COLUMNS: Array<[string, number]> = [
  ['scenario', 14], ['users', 5], ['flows/s', 8], ['p50 ms', 8], ['p99 ms', 8], ['errors', 6],
  ['srv CPU s', 9], ['db CPU s', 8], ['flows/srv-CPU-s', 15], ['store calls/flow', 16], ['db trips/flow', 13], ['RSS MB', 6],
];

function printHeader(): void {
  console.log(COLUMNS.map(([name, width]) => name.padStart(width)).join(' '));
}

function fmt(n: number, digits = 1): string {
  return Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function printRow(r: ScenarioResult): void {
  const cells = [r.scenario, String(r.users), fmt(r.flowsPerSecond), fmt(r.p50Ms), fmt(r.p99Ms), String(r.errors),
    fmt(r.serverCpuSeconds, 2), fmt(r.databaseCpuSeconds, 2), fmt(r.flowsPerServerCpuSecond), fmt(r.storeCallsPerFlow), fmt(r.dbRoundTripsPerFlow), fmt(r.rssAfterMb, 0)];
  console.log(cells.map((c, i) => c.padStart(COLUMNS[i]![1])).join(' '));
}

interface Run {
  latencies: number[];
  seconds: number;
  errors: number;
  firstError?: string;
}

/** `users` loops doing `flow` back to back until `seconds` have passed; flows in flight finish. */
function drive(flow: Flow, users: number, seconds: number): Promise<Run> {
  const deadline = performance.now() + seconds * 1000;
  return driveWhile(flow, users, () => performance.now() < deadline);
}

/** Each of `users` loops runs `flow` while `another()` allows one more. */
async function driveWhile(flow: Flow, users: number, another: () => boolean): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(Array.from({ length: users }, async (_u, vu) => {
    while (another()) {
      const t0 = performance.now();
      try {
        await flow(vu);
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors += 1;
        firstError ??= err instanceof Error ? err.message.slice(0, 300) : String(err);
        // An error that repeats at once would spin; a short pause keeps the loop honest.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }));
  return { latencies, seconds: (performance.now() - started) / 1000, errors, ...(firstError ? { firstError } : {}) };
}

/** A partner's back end that gets JWT access tokens for the partner's API (client_credentials). */
const BACKEND_CLIENT = {
  client_id: 'bench-backend',
  client_secret: 'bench-backend-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
};
const BENCH_API = 'https://api.bench.example/';

function writeResourcesFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tobira-bench-resources-')), 'resources.json');
  writeFileSync(file, JSON.stringify([{ resource: BENCH_API, name: 'Bench API', scopes: ['orders:read'], clients: { [BACKEND_CLIENT.client_id]: ['orders:read'] } }]));
  return file;
}

interface ScenarioContext {
  issuer: string;
  /** The back end's configuration, routed to the user's server. */
  machineFor(vu: number): oidc.Configuration;
  configFor(vu: number): oidc.Configuration;
  browserFor(vu: number): HttpBrowser;
  push: ReturnType<typeof harness>;
  receiver: PushReceiver;
}

/** A browser the account has not used asks for consent again (grants belong to sessions): allow it. */
async function throughConsent(browser: HttpBrowser, page: Page): Promise<Page> {
  if (page.url.startsWith(PARTNER_CALLBACK)) return page;
  return browser.submit(page, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
}

function expectCallback(url: string, what: string): void {
  if (!url.startsWith(PARTNER_CALLBACK)) throw new Error(`${what} did not reach the partner's callback: ${url}`);
}

/**
 * Push flows: milliseconds from the phone's approval request to the browser landing back at the
 * partner signed in (the "phone approval → browser signed in" figure). Reset before each run.
 */
const approvalToSignedIn: number[] = [];

function buildScenarios(context: ScenarioContext): Record<ScenarioName, Scenario> {
  const { issuer, configFor, browserFor, push, receiver, machineFor } = context;
  const passwordUsers: string[] = [];
  const passkeyUsers: SoftAuthenticator[] = [];
  const phones: Phone[] = [];
  const tokens: Array<{ refresh: string; access: string }> = [];

  async function passwordAccount(vu: number, kind: string, params: Record<string, string> = {}): Promise<oidc.TokenEndpointResponse> {
    const email = `bench-${kind}-${vu}@example.com`;
    const browser = browserFor(vu);
    const pending = await startAuthorization(configFor(vu), params);
    const page = await signUpAndConsent(browser, pending, email);
    expectCallback(page.url, 'sign-up');
    return redeem(configFor(vu), pending, page.url);
  }

  async function passkeySignUp(vu: number, email: string): Promise<SoftAuthenticator> {
    const browser = browserFor(vu);
    const pending = await startAuthorization(configFor(vu));
    const login = await browser.follow(pending.url.href);
    const signup = await browser.follow(`${login.url}/signup`);
    const marks = SmtpSink.marks();
    const codePage = await browser.submit(signup, '/signup/email', { email });
    const passkeyPage = await browser.submit(codePage, '/signup/code', { code: await SmtpSink.codeSentTo(email, marks) });
    const uid = /data-uid="([^"]+)"/.exec(passkeyPage.body)?.[1] ?? '';
    const csrf = /data-csrf="([^"]+)"/.exec(passkeyPage.body)?.[1] ?? '';
    if (!uid || !csrf) throw new Error(`not at the sign-up's passkey step: ${passkeyPage.url}`);
    const key = new SoftAuthenticator({ alg: 'ES256', origin: issuer, rpId: 'localhost' });
    const options = jsonOf(await postJson(browser, `${issuer}/interaction/${uid}/signup/passkey/options`, { name: `Bench ${vu}` }, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
    const done = await postJson(browser, `${issuer}/interaction/${uid}/signup/passkey/verify`, { response: key.register(options) }, csrf);
    if (done.status !== 200) throw new Error(`passkey sign-up answered ${done.status}: ${done.body.slice(0, 200)}`);
    const page = await throughConsent(browser, await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK));
    expectCallback(page.url, 'passkey sign-up');
    await redeem(configFor(vu), pending, page.url);
    return key;
  }

  return {
    password: {
      async prepare(count) {
        for (let vu = passwordUsers.length; vu < count; vu += 1) {
          await passwordAccount(vu, 'password');
          passwordUsers.push(`bench-password-${vu}@example.com`);
        }
      },
      async flow(vu) {
        const browser = browserFor(vu);
        const pending = await startAuthorization(configFor(vu));
        const login = await browser.follow(pending.url.href);
        const page = await throughConsent(browser, await browser.submit(login, '/password', { email: passwordUsers[vu]!, password: PASSWORD }, PARTNER_CALLBACK));
        expectCallback(page.url, 'password sign-in');
        await redeem(configFor(vu), pending, page.url);
      },
    },
    passkey: {
      // Passkey-first, as the product signs people up: e-mail, mailed code, name, passkey (no
      // password, so no argon2id hash whose native memory would be counted against the sign-ins).
      async prepare(count) {
        for (let vu = passkeyUsers.length; vu < count; vu += 1) passkeyUsers.push(await passkeySignUp(vu, `bench-passkey-${vu}@example.com`));
      },
      async flow(vu) {
        const browser = browserFor(vu);
        const pending = await startAuthorization(configFor(vu));
        const login = await browser.follow(pending.url.href);
        const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
        const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
        const options = jsonOf(await postJson(browser, `${issuer}/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
        const done = await postJson(browser, `${issuer}/interaction/${uid}/passkey/verify`, { response: passkeyUsers[vu]!.authenticate(options) }, csrf);
        if (done.status !== 200) throw new Error(`passkey verify answered ${done.status}: ${done.body.slice(0, 200)}`);
        const page = await throughConsent(browser, await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK));
        expectCallback(page.url, 'passkey sign-in');
        await redeem(configFor(vu), pending, page.url);
      },
    },
    push: {
      async prepare(count) {
        for (let vu = phones.length; vu < count; vu += 1) {
          const phone = await push.phoneFor(configFor(vu), `bench-push-${vu}@example.com`);
          // With several processes the phone's answers reach another one than the PC's page (as a
          // load balancer would send them), so the figure includes learning of another process's decision.
          phone.browser.route = browserFor(vu + 1).route;
          phones.push(phone);
        }
      },
      // The PC asks, the push arrives at the phone, the phone approves (number matching + passkey),
      // the PC's waiting page completes and the partner redeems the code.
      async flow(vu) {
        const phone = phones[vu]!;
        const browser = browserFor(vu);
        const pending = await startAuthorization(configFor(vu));
        const login = await browser.follow(pending.url.href);
        const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
        const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
        const started = await push.postJson(browser, `/interaction/${uid}/push`, { email: phone.email }, csrf);
        if (started.status !== 200) throw new Error(`push start answered ${started.status}: ${started.body.slice(0, 200)}`);
        const { approvalId, number } = jsonOf(started) as { approvalId: string; number?: string };
        const message = await receiver.waitFor((m) => (m.payload as { approvalId?: string }).approvalId === approvalId);
        receiver.messages.splice(receiver.messages.indexOf(message), 1);
        // The waiting page listens on its event stream (login.js) from before the phone answers;
        // the stream ends with the decision, so the wait is what a user sees.
        const waiting = browser.request(`${issuer}/interaction/${uid}/push/${approvalId}/events`, { headers: { accept: 'text/event-stream' } });
        const approvedAt = performance.now();
        const approved = await push.approveOn(phone, approvalId, String(number ?? ''));
        if (approved.status !== 200) throw new Error(`approval answered ${approved.status}: ${approved.body.slice(0, 200)}`);
        const events = (await waiting).body;
        if (!events.includes('"status":"approved"')) throw new Error(`the waiting page sees ${events.slice(-100)}`);
        const done = await push.postJson(browser, `/interaction/${uid}/push/${approvalId}/complete`, {}, csrf);
        if (done.status !== 200) throw new Error(`complete answered ${done.status}: ${done.body.slice(0, 200)}`);
        const page = await throughConsent(browser, await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK));
        expectCallback(page.url, 'push sign-in');
        approvalToSignedIn.push(performance.now() - approvedAt);
        await redeem(configFor(vu), pending, page.url);
      },
    },
    refresh: {
      async prepare(count) {
        for (let vu = tokens.length; vu < count; vu += 1) {
          const t = await passwordAccount(vu, 'refresh', { scope: 'openid profile email offline_access', prompt: 'consent' });
          tokens.push({ refresh: t.refresh_token!, access: t.access_token });
        }
      },
      async flow(vu) {
        const rotated = await oidc.refreshTokenGrant(configFor(vu), tokens[vu]!.refresh);
        tokens[vu] = { refresh: rotated.refresh_token!, access: rotated.access_token };
      },
    },
    client_credentials: {
      async prepare() {},
      async flow(vu) {
        const answer = await oidc.clientCredentialsGrant(machineFor(vu), { scope: 'orders:read', resource: BENCH_API });
        if (answer.scope !== 'orders:read') throw new Error(`client_credentials granted "${answer.scope}"`);
      },
    },
    introspection: {
      async prepare(count) {
        for (let vu = tokens.length; vu < count; vu += 1) {
          const t = await passwordAccount(vu, 'refresh', { scope: 'openid profile email offline_access', prompt: 'consent' });
          tokens.push({ refresh: t.refresh_token!, access: t.access_token });
        }
      },
      async flow(vu) {
        const answer = await oidc.tokenIntrospection(configFor(vu), tokens[vu]!.access);
        if (!answer.active) throw new Error('introspection says the access token is not active');
      },
    },
  };
}
