// Starts one tobira process: settings → store → app → HTTP, and stops it cleanly on SIGTERM.
import { createServer } from 'node:http';
import { buildApp } from './app/app.ts';
import { startHousekeeping } from './app/housekeeping.ts';
import { CodedError } from './errors/app-error.ts';
import { assertProductionReady } from './config/production-guard.ts';
import { loadSettings } from './config/settings.ts';
import { createLogger } from './log.ts';
import { Metrics } from './metrics/metrics.ts';
import { metricsServer } from './metrics/metrics-server.ts';
import { openStore } from './store/index.ts';
import { startTracing } from './tracing/tracing.ts';

async function main(): Promise<void> {
  const settings = loadSettings();
  assertProductionReady(settings);
  const logger = createLogger(settings.logLevel);
  if (!settings.mongodbUri) {
    logger.warn('running on the embedded memory store: data is lost on restart; set MONGODB_URI for production');
  }
  const store = await openStore({ mongodbUri: settings.mongodbUri ?? undefined, logger });
  const metrics = settings.metricsPort === null ? undefined : new Metrics();
  const { endpoint: tracesTo, serviceName, samplePercent } = settings.tracing;
  const tracing = tracesTo === null ? undefined : await startTracing({ endpoint: tracesTo, serviceName, samplePercent });
  if (tracing) logger.info({ collector: new URL(tracesTo ?? '').origin, samplePercent }, 'tracing on (OTLP/HTTP)');
  const { app, signingKeys, trustedBrowsers } = await buildApp(settings, store, logger, { metrics, tracing });
  const scrape = metrics && settings.metricsPort !== null ? metricsServer(metrics) : undefined;
  scrape?.listen(settings.metricsPort ?? 0, settings.metricsHost, () => {
    logger.info({ host: settings.metricsHost, port: settings.metricsPort }, 'metrics at /metrics');
  });

  // Expired records where the database keeps them (memory store, FerretDB) and trusted browsers
  // past the per-account cap (app/housekeeping.ts).
  const housekeeping = startHousekeeping({ store, trustedBrowsers, logger, everyMs: settings.sweepIntervalSeconds * 1000 });

  // The signing keys' schedule (rotation, removal of retired keys): every process checks it; the
  // store lets exactly one take each step (oidc/signing-key-service.ts).
  let scheduling = false;
  const keySchedule = setInterval(() => {
    if (scheduling) return;
    scheduling = true;
    signingKeys.runSchedule().then(
      (steps) => { if (steps.length > 0) logger.info({ steps }, 'signing key schedule: steps taken'); },
      (err: unknown) => logger.warn({ err }, 'signing key schedule failed; it runs again shortly'),
    ).finally(() => { scheduling = false; });
  }, settings.signingKeys.refreshSeconds * 1000);
  keySchedule.unref();

  const server = createServer(app.callback());
  server.listen(settings.port, () => {
    logger.info({ issuer: settings.issuer, port: settings.port, store: store.kind, demo: settings.demo }, `tobira listening on ${settings.issuer}`);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    housekeeping.stop();
    clearInterval(keySchedule);
    const force = setTimeout(() => {
      logger.warn('requests still open after 10 s; closing them');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    scrape?.close();
    server.close(() => {
      // The spans of the last requests are sent before the process goes.
      (tracing?.shutdown() ?? Promise.resolve()).catch((err: unknown) => logger.warn({ err }, 'traces not flushed'))
        .then(() => store.close()).then(
        () => { logger.info('stopped'); process.exit(0); },
        (err: unknown) => { logger.error({ err }, 'store did not close cleanly'); process.exit(1); },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof CodedError) {
    console.error(`tobira cannot start: ${err.messages.en}\ntobira を起動できません: ${err.messages.ja}`);
  } else {
    console.error('tobira cannot start:', err);
  }
  process.exit(1);
});
