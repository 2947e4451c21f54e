// One tobira process for the throughput bench (bench/throughput.ts starts it, pinned to its own
// core). It is src/main.ts with two differences that only a bench needs: it listens on 127.0.0.1
// only, and it counts store work: every call through the storage port (both stores) and, on a
// database the bench did not start (MONGODB_URI), every command the driver sends (one command =
// one round trip; FerretDB started by the bench counts them itself, at no cost to this process).
// The bench asks for the counts (and, on the memory store, what it holds) over the IPC channel, so
// counting costs no HTTP request.
import { createServer } from 'node:http';
import { buildApp } from '../src/app/app.ts';
import { assertProductionReady } from '../src/config/production-guard.ts';
import { loadSettings } from '../src/config/settings.ts';
import { createLogger } from '../src/log.ts';
import { startHousekeeping } from '../src/app/housekeeping.ts';
import { createMemoryStore, createMongoStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';

const storeCalls = new Map<string, number>();
const dbCommands = new Map<string, number>();

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counts each method call of each repository (and of every oidc model store) as `repo.method`. */
function counting<T extends object>(target: T, name: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown => {
        bump(storeCalls, `${name}.${property}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

function countingStore(store: Store): Store {
  const wrapped = new Map<string, unknown>();
  return new Proxy(store, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof property !== 'string') return value;
      if (property === 'oidc') {
        return (model: string) => {
          const key = `oidc:${model}`;
          if (!wrapped.has(key)) wrapped.set(key, counting(store.oidc(model), `oidc.${model}`));
          return wrapped.get(key);
        };
      }
      if (value && typeof value === 'object') {
        if (!wrapped.has(property)) wrapped.set(property, counting(value, property));
        return wrapped.get(property);
      }
      return value;
    },
  });
}

async function main(): Promise<void> {
  const settings = loadSettings();
  assertProductionReady(settings);
  const logger = createLogger(settings.logLevel);
  const memory = settings.mongodbUri ? undefined : createMemoryStore();
  const raw = memory ?? await createMongoStore(settings.mongodbUri!, { logger, ...(process.env.BENCH_COUNT_DRIVER_COMMANDS === 'true' ? { onCommand: (name: string) => bump(dbCommands, name) } : {}) });
  await raw.init();
  const store = countingStore(raw);
  const { app, trustedBrowsers } = await buildApp(settings, store, logger);
  // As main.ts runs it; its sweep goes to the uncounted store (the trim, every
  // SWEEP_INTERVAL_SECONDS, passes the counted one inside the trusted-browser service).
  const housekeeping = startHousekeeping({ store: raw, trustedBrowsers, logger, everyMs: settings.sweepIntervalSeconds * 1000 });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 30_000;
  server.listen(settings.port, '127.0.0.1', () => process.send?.({ type: 'listening' }));

  process.on('message', (message: { type?: string }) => {
    if (message.type === 'counts') {
      process.send?.({ type: 'counts', storeCalls: Object.fromEntries(storeCalls), dbCommands: Object.fromEntries(dbCommands) });
    } else if (message.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
      process.send?.({ type: 'gc', heapUsedMb: heapUsed / 1048576, heapTotalMb: heapTotal / 1048576, externalMb: external / 1048576, rssMb: rss / 1048576 });
    } else if (message.type === 'footprint') {
      // What the memory store holds, per repository and oidc model (none on the mongo store).
      process.send?.({ type: 'footprint', footprint: memory?.footprint() ?? {} });
    }
  });
  process.on('SIGTERM', () => {
    housekeeping.stop();
    server.closeAllConnections();
    server.close(() => { raw.close().finally(() => process.exit(0)); });
  });
}

main().catch((err: unknown) => {
  console.error('bench server cannot start:', err);
  process.exit(1);
});
