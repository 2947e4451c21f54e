// Every router of tobira's own pages and APIs, in the order they are mounted. The provider's own
// endpoints come after them (app.ts); the operator API comes before them all.
import Router from '@koa/router';
import type Provider from 'oidc-provider';
import { accountRoutes } from '../account-menu/routes.ts';
import { adminApi, type OperatorApi } from '../admin/routes.ts';
import { accountApiRoutes, auditApiRoutes } from '../admin/account-routes.ts';
import { ClientRegistry } from '../admin/client-registry.ts';
import { keyRoutes } from '../admin/key-routes.ts';
import type { ConsoleSessionDeps } from '../admin/console-session.ts';
import { ConsoleGuard } from '../console/console-guard.ts';
import { consoleRoutes } from '../console/routes.ts';
import { validateByProvider } from '../oidc/store-clients.ts';
import { alwaysPasskeyRoutes } from '../always-passkey/routes.ts';
import { contactRoutes } from '../contacts/contact-routes.ts';
import { demoRoutes } from '../demo/routes.ts';
import { deviceRoutes } from '../devices/routes.ts';
import { enrolmentRoutes } from '../flows/enrolment/routes.ts';
import { passwordResetRoutes } from '../flows/password-reset/routes.ts';
import { phoneChangeRoutes } from '../flows/phone-change/routes.ts';
import { phoneHandoffRoutes } from '../flows/phone-handoff/routes.ts';
import { recoveryRoutes } from '../flows/recovery/routes.ts';
import { healthRoutes } from '../health/routes.ts';
import { AccountGuard } from '../http/account-guard.ts';
import { bodyReaders } from '../http/forms.ts';
import { render } from '../http/render.ts';
import type { RequestState } from '../http/state.ts';
import type { InteractionDeps } from '../interactions/deps.ts';
import { interactionRoutes } from '../interactions/routes.ts';
import { phoneApprovalRoutes } from '../flows/push-approval/phone-routes.ts';
import { pushRoutes } from '../flows/push-approval/routes.ts';
import { signupRoutes } from '../flows/signup/routes.ts';
import { activateGuard } from '../tv/activate-guard.ts';
import { qrRoute } from '../tv/qr-route.ts';
import type { Services } from './services.ts';

export interface Routes {
  /** Mounted before everything else: the whole /admin/api space is the operator API's. */
  operatorApi: OperatorApi;
  routers: Array<Router<RequestState>>;
}

function clientRegistry(services: Services, provider: Provider): ClientRegistry {
  const { infrastructure } = services;
  return new ClientRegistry({
    clients: services.store.clients,
    directory: infrastructure.directory,
    fixed: infrastructure.clients,
    validate: (metadata) => validateByProvider(provider, metadata),
    sealingKey: infrastructure.clientSecretKey,
    audit: services.audit,
  });
}

export function buildRoutes(services: Services, provider: Provider): Routes {
  const { settings, infrastructure } = services;
  const bodies = bodyReaders(settings.bodyLimitBytes);
  const guard = new AccountGuard({ issuer: settings.issuer, provider, accounts: services.accounts, loginLifetimeMs: settings.ttl.interaction * 1000, now: services.now });
  const signIn: InteractionDeps = {
    provider,
    accounts: services.accounts,
    clients: infrastructure.directory,
    passkeys: services.passkeys,
    devices: services.devices,
    audit: services.audit,
    trustedBrowsers: services.trustedBrowsers,
    trustedBrowserDays: settings.trustedBrowserDays,
    places: infrastructure.places,
    signInNotices: services.signInNotices,
    consents: services.store.consents,
    bodies,
    grantTtlSeconds: settings.ttl.grant,
  };
  const registry = clientRegistry(services, provider);
  const consoleSession: ConsoleSessionDeps = { provider, accounts: services.accounts, operators: services.operators, maxAgeSeconds: settings.consoleMaxAgeSeconds, now: services.now };
  const home = new Router<RequestState>();
  home.get('/', (ctx) => render(ctx, 'home', { demo: settings.demo }));

  return {
    operatorApi: adminApi({
      adminToken: settings.adminToken,
      adminTokenAfterBootstrap: settings.adminTokenAfterBootstrap,
      recovery: services.recovery,
      clients: registry,
      operators: services.operators,
      console: consoleSession,
      audit: services.audit,
      bodies,
      sections: [
        { scope: 'accounts', router: accountApiRoutes({ lookup: services.accountLookup, actions: services.accountActions }) },
        { scope: 'audit', router: auditApiRoutes({ auditSearch: services.auditSearch }) },
        { scope: 'keys', router: keyRoutes(services.signingKeys) },
      ],
    }),
    routers: [
      home,
      healthRoutes(services.store),
      interactionRoutes(signIn),
      signupRoutes({ ...signIn, signup: services.signup, now: services.now }),
      pushRoutes({ ...signIn, approvals: services.approvals }),
      qrRoute(settings.issuer),
      activateGuard(provider),
      enrolmentRoutes({ enrolment: services.enrolment, bodies, now: services.now }),
      recoveryRoutes({ recovery: services.recovery, bodies }),
      phoneChangeRoutes({ phoneChange: services.phoneChange, bodies, now: services.now }),
      guard.routes(),
      deviceRoutes({ guard, devices: services.devices, vapidPublicKey: infrastructure.vapid.publicKey, bodies, now: services.now }),
      phoneHandoffRoutes({ issuer: settings.issuer, guard, handoffs: services.phoneHandoffs, vapidPublicKey: infrastructure.vapid.publicKey, bodies, now: services.now, hasPasskey: (id) => services.devices.accountHasPasskey(id) }),
      phoneApprovalRoutes({ guard, approvals: services.approvals, bodies, displayTimeZone: settings.displayTimeZone }),
      accountRoutes({
        issuer: settings.issuer,
        accounts: services.accounts,
        guard,
        passkeys: services.passkeys,
        devices: services.devices,
        trustedBrowsers: services.trustedBrowsers,
        displayTimeZone: settings.displayTimeZone,
        alwaysPasskey: services.alwaysPasskey,
        history: services.history,
        services: services.connectedServices,
        whatEnds: services.whatEnds,
        bodies,
      }),
      contactRoutes({ contacts: services.contacts, guard, bodies }),
      alwaysPasskeyRoutes({ alwaysPasskey: services.alwaysPasskey, guard, bodies }),
      passwordResetRoutes({ resets: services.passwordResets, codeTtlSeconds: settings.oneTimeCode.ttlSeconds, bodies, now: services.now }),
      ...consoleRoutes({
        guard: new ConsoleGuard({ ...consoleSession, issuer: settings.issuer, audit: services.audit }),
        issuer: settings.issuer,
        clients: registry,
        operators: services.operators,
        accounts: services.accounts,
        recovery: services.recovery,
        signingKeys: services.signingKeys,
        accountLookup: services.accountLookup,
        accountActions: services.accountActions,
        auditSearch: services.auditSearch,
        audit: services.audit,
        bodies,
        displayTimeZone: settings.displayTimeZone,
        now: services.now,
      }),
      ...(infrastructure.demoClient ? [demoRoutes(settings.issuer, infrastructure.demoClient, bodies)] : []),
    ],
  };
}
