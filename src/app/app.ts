// One tobira process: koa with its edge middleware, the static files, tobira's routes and the
// provider. What the routes use is built in services.ts; which routes exist is routes.ts.
import { resolve } from 'node:path';
import Koa from 'koa';
import mount from 'koa-mount';
import serve from 'koa-static';
import type Provider from 'oidc-provider';
import { PROJECT_ROOT, type Settings } from '../config/settings.ts';
import { CookieSigner } from '../http/cookie-signer.ts';
import { errorHandler } from '../http/error-handler.ts';
import { issuerOrigin } from '../http/issuer-origin.ts';
import { requestContext } from '../http/request-context.ts';
import { meteredStore } from '../metrics/metered-store.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { subscribeMetrics } from '../metrics/subscriptions.ts';
import { securityHeaders } from '../http/security-headers.ts';
import type { RequestState } from '../http/state.ts';
import type { Logger } from '../log.ts';
import { subscribeBackchannelResults } from '../oidc/ciba.ts';
import { discoveryEdge } from '../oidc/discovery-edge.ts';
import { createProvider } from '../oidc/provider.ts';
import { introspectsFor } from '../oidc/resource-indicators.ts';
import { publicJwks } from '../oidc/signing-keys.ts';
import { structuredTokenEndpoints } from '../oidc/structured-token-endpoints.ts';
import { validateClients } from '../oidc/validate-clients.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import { readCachingStore } from '../store/read-cache.ts';
import type { Store } from '../store/types.ts';
import { loadInfrastructure } from './infrastructure.ts';
import { buildRoutes, type Routes } from './routes.ts';
import { Services } from './services.ts';

export interface Tobira {
  app: Koa<RequestState>;
  provider: Provider;
  /** What is mounted, for tests that walk every endpoint (test/security/fuzz.test.ts). */
  routes: Routes;
}

export interface BuildOptions {
  /** The clock (epoch ms) for tobira's own time rules; tests shift it to cross time limits. */
  now?: () => number;
  /** Collect metrics into this registry (METRICS_PORT set; main.ts serves them). */
  metrics?: Metrics;
}

/** oidc-provider keeps the precise reason for a refusal out of the response; operators need it in the log. */
const REFUSAL_EVENTS = ['grant.error', 'authorization.error', 'introspection.error', 'revocation.error', 'userinfo.error', 'end_session.error', 'backchannel.error', 'backchannel_authentication.error'];

async function buildProvider(services: Services): Promise<Provider> {
  const { settings, store, logger, infrastructure } = services;
  const provider = createProvider({
    settings,
    accounts: store.accounts,
    consents: store.consents,
    oidc: (model) => store.oidc(model),
    audit: services.audit,
    clients: infrastructure.clients,
    storedClients: {
      repository: store.clients,
      isFixed: infrastructure.directory.isFixed,
      sealingKey: infrastructure.clientSecretKey,
      onUnusable: (clientId, reason) => logger.error({ clientId, reason }, 'a stored client cannot be served'),
    },
    directory: infrastructure.directory,
    jwks: infrastructure.jwks,
    cookieKeys: infrastructure.cookieKeys,
    resources: infrastructure.resources,
    approvals: services.approvals,
    limiter: services.limiter,
  });
  await validateClients(provider, infrastructure.clients, infrastructure.clientsSource);
  provider.on('server_error', (ctx, err) => {
    logger.error({ err }, 'oidc-provider server error');
    // The database is unreachable: 503 (try again), not 500, on the provider's JSON endpoints too.
    if (err instanceof StoreUnavailableError) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
    }
  });
  const events: NodeJS.EventEmitter = provider;
  for (const event of REFUSAL_EVENTS) {
    events.on(event, (_ctx: unknown, err: Error & { error?: string; error_detail?: string }) => {
      logger.info({ event, error: err.error ?? err.message, detail: err.error_detail }, 'oidc request refused');
    });
  }
  subscribeBackchannelResults(services.events, provider);
  return provider;
}

function serveStatic(app: Koa<RequestState>): void {
  // @simplewebauthn/browser is served from the installed package, never from a CDN.
  app.use(mount('/static/vendor/simplewebauthn', serve(resolve(PROJECT_ROOT, 'node_modules/@simplewebauthn/browser/esm'), { maxage: 3600_000 })));
  app.use(mount('/static', serve(resolve(PROJECT_ROOT, 'public'), { maxage: 3600_000 })));
  // The phone app's service worker and manifest live under /device so their scope covers it.
  app.use(mount('/device', serve(resolve(PROJECT_ROOT, 'public/device'), {
    maxage: 0,
    // The app is at /device (no trailing slash); a worker at /device/sw.js may claim it only when allowed.
    setHeaders: (res, path) => { if (path.endsWith('sw.js')) res.setHeader('Service-Worker-Allowed', '/device'); },
  })));
}

export async function buildApp(settings: Settings, storage: Store, logger: Logger, options: BuildOptions = {}): Promise<Tobira> {
  const { metrics } = options;
  // Reads repeated within one request are answered once (store/read-cache.ts; scope: requestContext);
  // with metrics on, the calls that reach the store are timed.
  const store = readCachingStore(metrics ? meteredStore(storage, metrics) : storage);
  const infrastructure = await loadInfrastructure(settings, store, (err) => logger.warn({ err }, 'the stored clients could not be read; the last copy stays in use'));
  const services = new Services({ settings, store, logger, infrastructure, now: options.now ?? Date.now, metrics }).subscribe();
  const provider = await buildProvider(services);
  if (metrics) subscribeMetrics(metrics, services.events, provider);
  const routes = buildRoutes(services, provider);

  const app = new Koa<RequestState>();
  // oidc-provider runs on this app's context once mounted, so it must sign with the same keys
  // (keygrip's format, keys imported once: http/cookie-signer.ts).
  app.keys = new CookieSigner(infrastructure.cookieKeys);
  app.proxy = settings.proxy;
  // Koa's default prints stack traces to stderr; a browser abandoning a download is not news.
  app.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') logger.debug({ err }, 'client went away');
    else logger.error({ err }, 'koa error');
  });
  app.use(requestContext(logger));
  // tobira's own client rules read a copy of the stored clients: at most CLIENTS_REFRESH_SECONDS old.
  app.use(async (_ctx, next) => {
    await infrastructure.directory.fresh();
    await next();
  });
  app.use(issuerOrigin(settings.issuer));
  app.use(securityHeaders());
  app.use(errorHandler());
  serveStatic(app);
  app.use(routes.operatorApi);
  for (const router of routes.routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(discoveryEdge());
  app.use(structuredTokenEndpoints({
    issuer: settings.issuer,
    publicJwks: publicJwks(infrastructure.jwks),
    introspects: (clientId, audience) => introspectsFor(infrastructure.resources, clientId, audience),
    revoked: store.oidc('RevokedJwtAccessToken'),
    now: services.now,
  }));
  app.use(mount(provider));
  return { app, provider, routes };
}
