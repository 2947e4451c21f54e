// One tobira process: koa with its edge middleware, the static files, tobira's routes and the
// provider. What the routes use is built in services.ts; which routes exist is routes.ts.
import { resolve } from 'node:path';
import Koa from 'koa';
import mount from 'koa-mount';
import serve from 'koa-static';
import type Provider from 'oidc-provider';
import { PROJECT_ROOT, type Settings } from '../config/settings.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { CookieSigner } from '../http/cookie-signer.ts';
import { errorHandler } from '../http/error-handler.ts';
import { pinIssuerOrigin } from '../http/issuer-origin.ts';
import { gatedRouters } from '../http/router-gate.ts';
import { DEFAULT_BRAND_COLOR, PageAssets } from '../http/page-assets.ts';
import { pageChrome } from '../http/page-chrome.ts';
import { requestContext } from '../http/request-context.ts';
import { meteredStore } from '../metrics/metered-store.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { subscribeMetrics } from '../metrics/subscriptions.ts';
import { tracedStore } from '../tracing/traced-calls.ts';
import { tracedRequests } from '../tracing/traced-requests.ts';
import type { Tracing } from '../tracing/tracing.ts';
import { securityHeaders } from '../http/security-headers.ts';
import type { RequestState } from '../http/state.ts';
import type { Logger } from '../log.ts';
import { subscribeBackchannelResults } from '../oidc/ciba.ts';
import { discoveryEdge } from '../oidc/discovery-edge.ts';
import { createProvider } from '../oidc/provider.ts';
import { introspectsFor } from '../oidc/resource-indicators.ts';
import { replaceKeystore } from '../oidc/provider-keystore.ts';
import type { SigningKeyService } from '../oidc/signing-key-service.ts';
import type { PrivateJwks } from '../oidc/signing-keys.ts';
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
  /** The signing keys' lifecycle; main.ts runs its schedule. */
  signingKeys: SigningKeyService;
  /** Trusted browsers; main.ts keeps each account's to the cap (app/housekeeping.ts). */
  trustedBrowsers: TrustedBrowserService;
}

export interface BuildOptions {
  /** The clock (epoch ms) for tobira's own time rules; tests shift it to cross time limits. */
  now?: () => number;
  /** Collect metrics into this registry (METRICS_PORT set; main.ts serves them). */
  metrics?: Metrics;
  /** Trace requests, store calls and push deliveries (OTEL_EXPORTER_OTLP_ENDPOINT; tracing/tracing.ts). */
  tracing?: Tracing;
}

/** oidc-provider keeps the precise reason for a refusal out of the response; operators need it in the log. */
const REFUSAL_EVENTS = ['grant.error', 'authorization.error', 'introspection.error', 'revocation.error', 'userinfo.error', 'end_session.error', 'backchannel.error', 'backchannel_authentication.error'];

async function buildProvider(services: Services): Promise<Provider> {
  const { settings, store, logger, infrastructure } = services;
  const configuredKeys = infrastructure.signingKeys.jwks();
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
    jwks: configuredKeys,
    cookieKeys: infrastructure.cookieKeys,
    resources: infrastructure.resources,
    approvals: services.approvals,
    limiter: services.limiter,
  });
  await validateClients(provider, infrastructure.clients, infrastructure.clientsSource);
  // A rotation (by any process) reaches this provider: its keystore and /jwks are swapped in place.
  const { signingKeys } = infrastructure;
  const applyKeys = (jwks: PrivateJwks): void => {
    try {
      replaceKeystore(provider, jwks);
      logger.info({ kids: jwks.keys.map((key) => key.kid) }, 'signing keys changed');
    } catch (err) {
      logger.error({ err }, 'the new signing keys were refused by oidc-provider; the previous ones stay in use');
    }
  };
  signingKeys.onChange(applyKeys);
  // Keys that changed while the provider was being built are applied now.
  if (signingKeys.jwks() !== configuredKeys) applyKeys(signingKeys.jwks());
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
  // public/js holds the sources of the page bundles (http/page-assets.ts serves those, hashed, with
  // @simplewebauthn/browser inside, never from a CDN); the sources themselves are not pages' scripts.
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/static/js/')) return;
    await next();
  });
  app.use(mount('/static', serve(resolve(PROJECT_ROOT, 'public'), { maxage: 3600_000 })));
  // The phone app's service worker and manifest live under /device so their scope covers it.
  app.use(mount('/device', serve(resolve(PROJECT_ROOT, 'public/device'), {
    maxage: 0,
    // The app is at /device (no trailing slash); a worker at /device/sw.js may claim it only when allowed.
    setHeaders: (res, path) => { if (path.endsWith('sw.js')) res.setHeader('Service-Worker-Allowed', '/device'); },
  })));
}

export async function buildApp(settings: Settings, storage: Store, logger: Logger, options: BuildOptions = {}): Promise<Tobira> {
  const { metrics, tracing } = options;
  const tracer = tracing?.tracer;
  // Reads repeated within one request are answered once (store/read-cache.ts; scope: requestContext);
  // with metrics on, the calls that reach the store are timed, with tracing on, each is a span.
  const metered = metrics ? meteredStore(storage, metrics) : storage;
  const store = readCachingStore(tracer ? tracedStore(metered, tracer) : metered);
  const now = options.now ?? Date.now;
  const infrastructure = await loadInfrastructure(settings, store, (err) => logger.warn({ err }, 'the stored clients or signing keys could not be read; the last copy stays in use'), now);
  const services = new Services({ settings, store, logger, infrastructure, now, metrics, tracer }).subscribe();
  const provider = await buildProvider(services);
  if (metrics) subscribeMetrics(metrics, services.events, provider);
  const routes = buildRoutes(services, provider);

  const app = new Koa<RequestState>();
  // oidc-provider runs on this app's context once mounted, so it must sign with the same keys
  // (keygrip's format, keys imported once: http/cookie-signer.ts).
  app.keys = new CookieSigner(infrastructure.cookieKeys);
  app.proxy = settings.proxy;
  pinIssuerOrigin(app, settings.issuer);
  // Koa's default prints stack traces to stderr; a browser abandoning a download is not news.
  app.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') logger.debug({ err }, 'client went away');
    else logger.error({ err }, 'koa error');
  });
  // Outermost, so that the span sees the status the error handler finally sets.
  if (tracing) app.use(tracedRequests(tracing, { trustIncoming: settings.proxy }));
  app.use(requestContext(logger));
  // tobira's own client rules read a copy of the stored clients: at most CLIENTS_REFRESH_SECONDS old.
  // Likewise the signing keys: at most SIGNING_KEYS_REFRESH_SECONDS old.
  app.use(async (_ctx, next) => {
    await Promise.all([infrastructure.directory.fresh(), infrastructure.signingKeys.fresh()]);
    await next();
  });
  app.use(securityHeaders());
  app.use(pageChrome({ brand: { name: settings.brand.name, logoUrl: settings.brand.logoUrl, color: settings.brand.color ?? DEFAULT_BRAND_COLOR }, origin: new URL(settings.issuer).origin, assets: await PageAssets.load(settings.brand.color) }));
  app.use(errorHandler());
  serveStatic(app);
  app.use(routes.operatorApi);
  app.use(gatedRouters(routes.routers));
  app.use(discoveryEdge());
  app.use(structuredTokenEndpoints({
    issuer: settings.issuer,
    publicJwks: () => infrastructure.signingKeys.publicJwks(),
    introspects: (clientId, audience) => introspectsFor(infrastructure.resources, clientId, audience),
    revoked: store.oidc('RevokedJwtAccessToken'),
    now: services.now,
  }));
  app.use(mount(provider));
  return { app, provider, routes, signingKeys: services.signingKeys, trustedBrowsers: services.trustedBrowsers };
}
