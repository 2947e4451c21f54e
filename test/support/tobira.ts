// Starts tobira in this test process (real HTTP on a loopback port) on the memory or mongo store.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Provider from 'oidc-provider';
import { buildApp } from '../../src/app/app.ts';
import type { Routes } from '../../src/app/routes.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/log.ts';
import type { Metrics } from '../../src/metrics/metrics.ts';
import type { SigningKeyService } from '../../src/oidc/signing-key-service.ts';
import type { Store } from '../../src/store/types.ts';
import { SmtpSink } from './smtp-sink.ts';
import { freshStore, type StoreKind } from './stores.ts';

/** Where tobira mails when a test names no SMTP server: sign-ups prove their address by a mailed code. */
let defaultSink: Promise<string> | undefined;
export function defaultSmtpUrl(): Promise<string> {
  defaultSink ??= new SmtpSink().start();
  return defaultSink;
}

export interface RunningTobira {
  issuer: string;
  port: number;
  store: Store;
  provider: Provider;
  routes: Routes;
  /** The signing keys' lifecycle (its schedule runs only when a test calls it). */
  signingKeys: SigningKeyService;
  close(): Promise<void>;
}

export function writeClientsFile(clients: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'tobira-clients-'));
  const file = join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify(clients, null, 2));
  return file;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startTobira(options: { store: StoreKind | Store; clients?: unknown[]; env?: Record<string, string>; now?: () => number; metrics?: Metrics }): Promise<RunningTobira> {
  const store = typeof options.store === 'string' ? await freshStore(options.store) : options.store;
  const server = createServer();
  const port = await listen(server);
  const env: Record<string, string> = { NODE_ENV: 'test', PORT: String(port), LOG_LEVEL: process.env.TOBIRA_TEST_LOG ?? 'silent', DEMO: 'false', SMTP_URL: await defaultSmtpUrl(), ...options.env };
  if (options.clients) env.CLIENTS_FILE = writeClientsFile(options.clients);
  const settings = loadSettings(env);
  const { app, provider, routes, signingKeys } = await buildApp(settings, store, createLogger(settings.logLevel), { now: options.now, metrics: options.metrics });
  server.on('request', app.callback());
  return {
    issuer: settings.issuer,
    port,
    store,
    provider,
    routes,
    signingKeys,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (typeof options.store === 'string') await store.close();
    },
  };
}
