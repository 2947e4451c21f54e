// Assembles one tobira process: keys, clients, the provider and every route, in front of a store.
import { resolve } from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import mount from 'koa-mount';
import serve from 'koa-static';
import type Provider from 'oidc-provider';
import { accountGuard, accountRoutes } from '../account-menu/routes.ts';
import { ConnectedServices } from '../account-menu/connected-services.ts';
import { Profile } from '../account-menu/profile.ts';
import { SignInHistory } from '../account-menu/sign-in-history.ts';
import { SignInNotices } from '../accounts/sign-in-notices.ts';
import { ContactService } from '../contacts/contact-service.ts';
import { contactRoutes } from '../contacts/contact-routes.ts';
import { clientNameLookup } from '../clients/client-names.ts';
import { AccountService } from '../accounts/account-service.ts';
import { PasswordlessSignup } from '../flows/signup/service.ts';
import { ApprovalService } from '../flows/push-approval/service.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { DeviceService } from '../devices/device-service.ts';
import { deviceRoutes } from '../devices/routes.ts';
import { qrRoute } from '../tv/qr-route.ts';
import { readClientsFile, type ClientMetadata } from '../clients/clients-file.ts';
import { PROJECT_ROOT, type Settings } from '../config/settings.ts';
import { demoClientMetadata, DEMO_CLIENT_ID } from '../demo/demo-client.ts';
import { demoRoutes } from '../demo/routes.ts';
import { healthRoutes } from '../health/routes.ts';
import { loadCookieKeys } from '../http/cookie-keys.ts';
import { errorHandler } from '../http/error-handler.ts';
import { render } from '../http/render.ts';
import { requestContext } from '../http/request-context.ts';
import { securityHeaders } from '../http/security-headers.ts';
import type { RequestState } from '../http/state.ts';
import { interactionRoutes } from '../interactions/routes.ts';
import type { Logger } from '../log.ts';
import { createMailer } from '../notify/mailer.ts';
import { EnrolmentService } from '../flows/enrolment/service.ts';
import { enrolmentRoutes } from '../flows/enrolment/routes.ts';
import { adminApi } from '../admin/routes.ts';
import { RecoveryService } from '../flows/recovery/service.ts';
import { recoveryRoutes } from '../flows/recovery/routes.ts';
import { NewPhoneNotices } from '../devices/new-phone-notices.ts';
import { PhoneChangeService } from '../flows/phone-change/service.ts';
import { phoneChangeRoutes } from '../flows/phone-change/routes.ts';
import { AccountNotifier } from '../notify/account-notifier.ts';
import { createSmsSender } from '../notify/sms-sender.ts';
import { AccessRevocation } from '../accounts/access-revocation.ts';
import { AlwaysPasskeyService } from '../always-passkey/service.ts';
import { alwaysPasskeyRoutes } from '../always-passkey/routes.ts';
import { clientDirectory } from '../always-passkey/policy.ts';
import { PasswordResetService } from '../flows/password-reset/service.ts';
import { passwordResetRoutes } from '../flows/password-reset/routes.ts';
import { loadVapidKeys } from '../notify/vapid-keys.ts';
import { DEFAULT_PUSH_ENDPOINT_HOSTS, validatePushSubscription, WebPushSender } from '../notify/web-push-sender.ts';
import { accountClientMetadata } from '../clients/first-party.ts';
import { RateLimiter } from '../limits/rate-limiter.ts';
import { OneTimeCodeService } from '../one-time-codes/one-time-code-service.ts';
import { PasskeyService } from '../passkeys/passkey-service.ts';
import { deliverBackchannelResult } from '../oidc/ciba.ts';
import { createProvider } from '../oidc/provider.ts';
import { openPlaceLookup } from '../geoip/place-lookup.ts';
import { loadSigningKeys } from '../oidc/signing-keys.ts';
import { validateClients } from '../oidc/validate-clients.ts';
import type { Store } from '../store/types.ts';
import { existsSync, readFileSync } from 'node:fs';

export interface Tobira {
  app: Koa<RequestState>;
  provider: Provider;
}

function configuredClients(settings: Settings): { clients: ClientMetadata[]; source: string } {
  const file = settings.clientsFile;
  if (file && (settings.clientsFileExplicit || existsSync(file))) {
    return { clients: readClientsFile(file), source: file };
  }
  return { clients: [], source: 'CLIENTS_FILE' };
}

export interface BuildOptions {
  /** The clock (epoch ms) for tobira's own time rules; tests shift it to cross time limits. */
  now?: () => number;
}

export async function buildApp(settings: Settings, store: Store, logger: Logger, options: BuildOptions = {}): Promise<Tobira> {
  const now = options.now ?? Date.now;
  const [cookieKeys, jwks, vapid, places] = await Promise.all([
    loadCookieKeys(store.secrets, settings.cookieKeys),
    loadSigningKeys(store.secrets, settings.signingKeysFile),
    loadVapidKeys(store.secrets, settings.push.vapid),
    openPlaceLookup(settings.geoipDbFile),
  ]);
  const { clients, source } = configuredClients(settings);
  const demoClient = settings.demo && !clients.some((c) => c.client_id === DEMO_CLIENT_ID)
    ? await demoClientMetadata(settings.issuer, store.secrets)
    : undefined;
  const allClients = [...clients, accountClientMetadata(settings.issuer), ...(demoClient ? [demoClient] : [])];

  // CIBA needs the approvals service, which needs the provider to deliver results: bound late.
  let approvalService: ApprovalService | undefined;
  const provider = createProvider({
    settings, store, clients: allClients, jwks, cookieKeys,
    approvals: () => {
      if (!approvalService) throw new Error('approvals service not ready');
      return approvalService;
    },
  });
  await validateClients(provider, allClients, source);
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'oidc-provider server error'));
  // oidc-provider keeps the precise reason out of the response; operators need it in the log.
  const events: NodeJS.EventEmitter = provider;
  for (const event of ['grant.error', 'authorization.error', 'introspection.error', 'revocation.error', 'userinfo.error', 'end_session.error', 'backchannel.error']) {
    events.on(event, (_ctx: unknown, err: Error & { error?: string; error_detail?: string }) => {
      logger.info({ event, error: err.error ?? err.message, detail: err.error_detail }, 'oidc request refused');
    });
  }

  const app = new Koa<RequestState>();
  // oidc-provider runs on this app's context once mounted, so it must sign with the same keys.
  app.keys = cookieKeys;
  app.proxy = settings.proxy;
  // Koa's default prints stack traces to stderr; a browser abandoning a download is not news.
  app.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') logger.debug({ err }, 'client went away');
    else logger.error({ err }, 'koa error');
  });
  app.use(requestContext(logger));
  app.use(securityHeaders());
  app.use(errorHandler());
  // @simplewebauthn/browser is served from the installed package, never from a CDN.
  app.use(mount('/static/vendor/simplewebauthn', serve(resolve(PROJECT_ROOT, 'node_modules/@simplewebauthn/browser/esm'), { maxage: 3600_000 })));
  app.use(mount('/static', serve(resolve(PROJECT_ROOT, 'public'), { maxage: 3600_000 })));
  // The phone app's service worker and manifest live under /device so their scope covers it.
  app.use(mount('/device', serve(resolve(PROJECT_ROOT, 'public/device'), {
    maxage: 0,
    // The app is at /device (no trailing slash); a worker at /device/sw.js may claim it only when allowed.
    setHeaders: (res, path) => { if (path.endsWith('sw.js')) res.setHeader('Service-Worker-Allowed', '/device'); },
  })));

  const audit = new AuditLog(store.audit, logger);
  const accounts = new AccountService(store.accounts);
  const passkeys = new PasskeyService({ passkeys: store.passkeys, challenges: store.challenges, accounts: store.accounts, audit, settings: settings.webauthn, now });
  const mailer = createMailer(settings.mail.smtpUrl, settings.mail.from, logger);
  const sms = createSmsSender(settings.sms.hookUrl, settings.sms.hookToken, logger);
  const notifier = new AccountNotifier(mailer, sms, logger);
  const revocation = new AccessRevocation(store, audit, now);
  // One policy for every e-mailed or texted code; each purpose has keys of its own.
  const limiter = new RateLimiter(store.counters, settings);
  const codes = new OneTimeCodeService(store.oneTimeCodes, limiter, settings.oneTimeCode, now);
  const alwaysPasskey = new AlwaysPasskeyService({ accounts: store.accounts, devices: store.devices, passkeys: store.passkeys, oidc: (model) => store.oidc(model), revocation, audit, notifier, clients: clientDirectory(allClients), now });
  const passwordResets = new PasswordResetService({ accounts: store.accounts, codes, mailer, notifier, revocation, audit, logger, now });
  const newPhones = new NewPhoneNotices({ accounts: store.accounts, notifier, displayTimeZone: settings.displayTimeZone });
  const enrolment = new EnrolmentService({
    issuer: settings.issuer,
    tickets: store.enrolmentTickets,
    accounts: store.accounts,
    passkeys,
    audit,
    now,
    onCompleted: {
      phone_change: (ticket, _credentialId, _audit, lang) => newPhones.passkeyEnrolled(ticket.accountId, new Date(now()), lang),
      recovery: (ticket, credentialId, hookAudit, lang): Promise<void> => recovery.completeEnrolment(ticket, credentialId, hookAudit, lang),
    },
  });
  const recovery = new RecoveryService({
    requests: store.recoveryRequests,
    accounts: store.accounts,
    passkeys: store.passkeys,
    devices: store.devices,
    limiter,
    auditEvents: store.audit,
    audit,
    revocation,
    notifier,
    mailer,
    sms,
    enrolment,
    enrolmentLinkTtlSeconds: settings.recovery.enrolmentLinkTtlSeconds,
    logger,
    now,
  });
  const phoneChange = new PhoneChangeService({
    accounts: store.accounts,
    codes,
    limiter,
    mailer,
    sms,
    enrolment,
    audit,
    logger,
    enrolmentTtlSeconds: settings.recovery.phoneChangeTtlSeconds,
    now,
  });
  const signup = new PasswordlessSignup({
    accounts: store.accounts,
    codes,
    mailer,
    passkeys,
    audit,
  });
  const endpointHosts = settings.push.endpointHosts ?? [...DEFAULT_PUSH_ENDPOINT_HOSTS];
  const trustedBrowsers = new TrustedBrowserService(store.trustedBrowsers, audit, now);
  // Contact details, the rest of the account menu, and the new-sign-in notice.
  const clientName = clientNameLookup(provider);
  const accountUrl = `${settings.issuer}/account`;
  const contacts = new ContactService({ accounts: store.accounts, codes, limiter, mailer, sms, notifier, audit, logger, accountUrl, displayTimeZone: settings.displayTimeZone, now });
  const signInNotices = new SignInNotices({ enabled: settings.notifyNewSignIn, notifier, trustedBrowsers, clientName, places, audit, logger, accountUrl, displayTimeZone: settings.displayTimeZone, now });
  const devices = new DeviceService({
    devices: store.devices,
    passkeyRecords: store.passkeys,
    passkeys,
    audit,
    validateSubscription: (input) => validatePushSubscription(input, endpointHosts),
    revocation,
    notifier,
    now,
    onAdded: (account, device, lang) => newPhones.phoneSetUp(account, device, lang),
  });
  const approvals = approvalService = new ApprovalService({
    issuer: settings.issuer,
    accounts: store.accounts,
    devices: store.devices,
    approvals: store.approvals,
    blocks: store.blocks,
    limiter,
    trustedBrowsers,
    passkeys,
    push: new WebPushSender({ vapid, subject: settings.push.vapidSubject, allowedEndpointHosts: endpointHosts, ...(settings.push.caFile ? { ca: readFileSync(settings.push.caFile, 'utf8') } : {}) }),
    mailer,
    audit,
    policy: settings.push,
    onDecided: (approval) => deliverBackchannelResult(provider, approval),
    now,
  });
  const guard = accountGuard({ issuer: settings.issuer, provider, accounts, now });
  const home = new Router<RequestState>();
  home.get('/', (ctx) => render(ctx, 'home', { demo: settings.demo }));

  // Before every other route: the whole /admin/api space is the operator API's, behind its token.
  app.use(adminApi({ adminToken: settings.adminToken, recovery, audit, bodyLimitBytes: settings.bodyLimitBytes }));
  for (const router of [
    home,
    healthRoutes(store),
    interactionRoutes({ provider, accounts, passkeys, signup, audit, approvals, trustedBrowsers, trustedBrowserDays: settings.trustedBrowserDays, places, signInNotices, consents: store.consents, bodyLimitBytes: settings.bodyLimitBytes, grantTtlSeconds: settings.ttl.grant }),
    qrRoute(settings.issuer),
    enrolmentRoutes({ enrolment, bodyLimitBytes: settings.bodyLimitBytes }),
    recoveryRoutes({ recovery, bodyLimitBytes: settings.bodyLimitBytes }),
    phoneChangeRoutes({ phoneChange, bodyLimitBytes: settings.bodyLimitBytes }),
    deviceRoutes({ provider, accounts, devices, approvals, vapidPublicKey: vapid.publicKey, bodyLimitBytes: settings.bodyLimitBytes, displayTimeZone: settings.displayTimeZone }),
    accountRoutes({ issuer: settings.issuer, provider, accounts, passkeys, devices, trustedBrowsers, bodyLimitBytes: settings.bodyLimitBytes, displayTimeZone: settings.displayTimeZone, now, alwaysPasskey,
      profile: new Profile(store.accounts, audit, now), history: new SignInHistory({ audit: store.audit, clientName, places }), services: new ConnectedServices({ revocation, clientName }) }),
    contactRoutes({ contacts, guard, bodyLimitBytes: settings.bodyLimitBytes }),
    alwaysPasskeyRoutes({ provider, accounts, alwaysPasskey, guard, bodyLimitBytes: settings.bodyLimitBytes }),
    passwordResetRoutes({ resets: passwordResets, codeTtlSeconds: settings.oneTimeCode.ttlSeconds, bodyLimitBytes: settings.bodyLimitBytes }),
    ...(demoClient ? [demoRoutes(settings.issuer, demoClient, settings.bodyLimitBytes)] : []),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(mount(provider));
  return { app, provider };
}
