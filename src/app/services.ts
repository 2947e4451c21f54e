// Every service of one tobira process, built once, in dependency order. Each field says exactly
// what it uses; nothing is bound late. Features talk upwards only through events: a service emits,
// the feature that reacts subscribes itself in `subscribe()` below (grep the event name to see who).
import type { Tracer } from '@opentelemetry/api';
import { readFileSync } from 'node:fs';
import { ConnectedServices } from '../account-menu/connected-services.ts';
import { SignInHistory } from '../account-menu/sign-in-history.ts';
import { WhatEnds } from '../account-menu/what-ends.ts';
import { AccountActions } from '../account-admin/account-actions.ts';
import { AccountLookup } from '../account-admin/account-lookup.ts';
import { AuditSearch } from '../account-admin/audit-search.ts';
import { AccessRevocation } from '../accounts/access-revocation.ts';
import { PasswordThrottle } from '../accounts/password-throttle.ts';
import { AccountService } from '../accounts/account-service.ts';
import { signInCounts } from '../accounts/sign-in-counts.ts';
import { SignInNotices } from '../accounts/sign-in-notices.ts';
import { AlwaysPasskeyService } from '../always-passkey/service.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { Settings } from '../config/settings.ts';
import { ContactService } from '../contacts/contact-service.ts';
import { DeviceService } from '../devices/device-service.ts';
import { subscribeNewPhoneNotices } from '../devices/new-phone-notices.ts';
import { AddressProof } from '../flows/password-reset/address-proof.ts';
import { subscribePasskeyAddedNotices } from '../passkeys/passkey-added-notice.ts';
import { OperatorService } from '../operators/operator-service.ts';
import { EventBus } from '../events/event-bus.ts';
import { EnrolmentService } from '../flows/enrolment/service.ts';
import { PasswordResetService } from '../flows/password-reset/service.ts';
import { PhoneChangeService } from '../flows/phone-change/service.ts';
import { PhoneHandoffService } from '../flows/phone-handoff/service.ts';
import { subscribePhoneChange } from '../flows/phone-change/subscriptions.ts';
import { ApprovalService, type PushSender } from '../flows/push-approval/service.ts';
import { RecoveryService } from '../flows/recovery/service.ts';
import { subscribeRecovery } from '../flows/recovery/subscriptions.ts';
import { PasswordlessSignup } from '../flows/signup/service.ts';
import type { Logger } from '../log.ts';
import { meteredPush } from '../metrics/metered-push.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { tracedPush } from '../tracing/traced-calls.ts';
import { AccountNotifier } from '../notify/account-notifier.ts';
import { createMailer } from '../notify/mailer.ts';
import { createSmsSender } from '../notify/sms-sender.ts';
import { DEFAULT_PUSH_ENDPOINT_HOSTS, validatePushSubscription, WebPushSender } from '../notify/web-push-sender.ts';
import { RateLimiter, type LimitObserver } from '../limits/rate-limiter.ts';
import { OneTimeCodeService } from '../one-time-codes/one-time-code-service.ts';
import { PasskeyService } from '../passkeys/passkey-service.ts';
import { retainSeconds } from '../oidc/signing-key-lifecycle.ts';
import { SigningKeyService } from '../oidc/signing-key-service.ts';
import type { Store } from '../store/types.ts';
import type { Infrastructure } from './infrastructure.ts';

export interface Foundation {
  settings: Settings;
  store: Store;
  logger: Logger;
  infrastructure: Infrastructure;
  /** The clock (epoch ms) for tobira's own time rules; tests shift it to cross time limits. */
  now: () => number;
  /** Set when metrics are collected (METRICS_PORT). */
  metrics?: Metrics | undefined;
  /** Set when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracer?: Tracer | undefined;
}

/** What every service may use: settings, store, logger, keys and clients, the clock, the event bus. */
class Base {
  readonly settings: Settings;
  readonly store: Store;
  readonly logger: Logger;
  readonly infrastructure: Infrastructure;
  readonly now: () => number;
  readonly metrics: Metrics | undefined;
  readonly tracer: Tracer | undefined;
  readonly events = new EventBus();

  constructor(foundation: Foundation) {
    ({ settings: this.settings, store: this.store, logger: this.logger, infrastructure: this.infrastructure, now: this.now, metrics: this.metrics, tracer: this.tracer } = foundation);
  }
}

export class Services extends Base {
  // Delivery: mail, SMS and push, and the audit trail.
  // Its own limiter: `limiter` below is made after it, and both only count on store.counters.
  readonly audit = new AuditLog(
    this.store.audit,
    this.logger,
    new RateLimiter(this.store.counters, this.settings, this.now, this.#limitObserver()),
    this.metrics && ((type, details) => this.metrics?.audited(type, details)),
  );
  readonly mailer = createMailer(this.settings.mail.smtpUrl, this.settings.mail.from, this.logger);
  readonly sms = createSmsSender(this.settings.sms.hookUrl, this.settings.sms.hookToken, this.logger);
  readonly notifier = new AccountNotifier(this.mailer, this.sms, this.logger);
  readonly pushEndpointHosts: readonly string[] = this.settings.push.endpointHosts ?? [...DEFAULT_PUSH_ENDPOINT_HOSTS];
  readonly push: PushSender = this.#metered(new WebPushSender({
    vapid: this.infrastructure.vapid,
    subject: this.settings.push.vapidSubject,
    allowedEndpointHosts: this.pushEndpointHosts,
    ...(this.settings.push.caFile ? { ca: readFileSync(this.settings.push.caFile, 'utf8') } : {}),
  }));

  /** The signing keys' lifecycle (generate, promote, retire, the schedule); the keys themselves: infrastructure.signingKeys. */
  readonly signingKeys = new SigningKeyService({
    ring: this.infrastructure.signingKeys,
    audit: this.audit,
    times: {
      publishSeconds: this.settings.signingKeys.publishSeconds,
      rotationSeconds: this.settings.signingKeys.rotationSeconds,
      retainSeconds: retainSeconds({
        idToken: this.settings.ttl.idToken,
        accessTokens: [this.settings.ttl.accessToken, ...this.infrastructure.resources.map((resource) => resource.accessTokenTtl ?? 0)],
        graceSeconds: this.settings.signingKeys.retireGraceSeconds,
      }),
    },
    now: this.now,
  });

  /** Every limit in the product (limits/limits.ts), counted race-safe in the store. */
  readonly limiter = new RateLimiter(this.store.counters, this.settings, this.now, this.#limitObserver());

  // Accounts and what signs them in.
  readonly accounts = new AccountService({ accounts: this.store.accounts, audit: this.audit, throttle: new PasswordThrottle(this.limiter), now: this.now });
  readonly passkeys = new PasskeyService({ passkeys: this.store.passkeys, challenges: this.store.challenges, accounts: this.store.accounts, audit: this.audit, settings: this.settings.webauthn, events: this.events, now: this.now });
  readonly trustedBrowsers = new TrustedBrowserService(this.store.trustedBrowsers, this.audit, this.settings.trustedBrowserDays, this.now);
  readonly revocation = new AccessRevocation({
    accounts: this.store.accounts,
    oidc: (model) => this.store.oidc(model),
    trustedBrowsers: this.store.trustedBrowsers,
    consents: this.store.consents,
    audit: this.audit,
    now: this.now,
  });
  /** One policy for every e-mailed or texted code; each purpose has keys of its own. */
  readonly codes = new OneTimeCodeService(this.store.oneTimeCodes, this.limiter, this.settings.oneTimeCode, this.now);
  readonly accountUrl = `${this.settings.issuer}/account`;
  readonly signInNotices = new SignInNotices({
    enabled: this.settings.notifyNewSignIn,
    notifier: this.notifier,
    trustedBrowsers: this.trustedBrowsers,
    clientName: this.infrastructure.directory.name,
    places: this.infrastructure.places,
    audit: this.audit,
    logger: this.logger,
    accountUrl: this.accountUrl,
    displayTimeZone: this.settings.displayTimeZone,
    now: this.now,
  });

  // The account menu's own parts.
  readonly contacts = new ContactService({
    accounts: this.accounts,
    codes: this.codes,
    limiter: this.limiter,
    mailer: this.mailer,
    sms: this.sms,
    notifier: this.notifier,
    audit: this.audit,
    logger: this.logger,
    accountUrl: this.accountUrl,
    displayTimeZone: this.settings.displayTimeZone,
    now: this.now,
  });
  readonly operators = new OperatorService({ grants: this.store.operatorGrants, tokens: this.store.operatorTokens, accounts: this.accounts, audit: this.audit, tokenMaxDays: this.settings.operatorTokenMaxDays, now: this.now });
  readonly history = new SignInHistory({ audit: this.store.audit, clientName: this.infrastructure.directory.name, places: this.infrastructure.places });
  readonly connectedServices = new ConnectedServices({ revocation: this.revocation, consents: this.store.consents, clientName: this.infrastructure.directory.name });
  readonly alwaysPasskey = new AlwaysPasskeyService({
    accounts: this.accounts,
    devices: this.store.devices,
    passkeys: this.store.passkeys,
    oidc: (model) => this.store.oidc(model),
    revocation: this.revocation,
    audit: this.audit,
    notifier: this.notifier,
    clients: this.infrastructure.directory,
  });

  // Phones.
  readonly devices = new DeviceService({
    devices: this.store.devices,
    passkeyRecords: this.store.passkeys,
    passkeys: this.passkeys,
    audit: this.audit,
    validateSubscription: (input) => validatePushSubscription(input, this.pushEndpointHosts),
    revocation: this.revocation,
    notifier: this.notifier,
    events: this.events,
    now: this.now,
  });
  /** What a destructive step of the account menu ends, for its confirmation page. */
  readonly whatEnds = new WhatEnds({ passkeys: this.passkeys, devices: this.devices, trustedBrowsers: this.trustedBrowsers, services: this.connectedServices, sessions: this.store.oidc('Session') });

  // The flows.
  readonly signup = new PasswordlessSignup({ accounts: this.accounts, codes: this.codes, mailer: this.mailer, passkeys: this.passkeys, limiter: this.limiter });
  readonly passwordResets = new PasswordResetService({
    accounts: this.accounts,
    codes: this.codes,
    limiter: this.limiter,
    mailer: this.mailer,
    notifier: this.notifier,
    revocation: this.revocation,
    proof: new AddressProof({ accounts: this.accounts, passkeys: this.passkeys, devices: this.devices, revocation: this.revocation, notifier: this.notifier }),
    audit: this.audit,
    logger: this.logger,
  });
  readonly approvals = new ApprovalService({
    issuer: this.settings.issuer,
    accounts: this.store.accounts,
    devices: this.store.devices,
    approvals: this.store.approvals,
    blocks: this.store.blocks,
    limiter: this.limiter,
    trustedBrowsers: this.trustedBrowsers,
    passkeys: this.passkeys,
    push: this.push,
    mailer: this.mailer,
    audit: this.audit,
    policy: this.settings.push,
    events: this.events,
    onWatchError: (err) => this.logger.warn({ err }, 'the read for approvals decided by other processes failed'),
    now: this.now,
  });
  readonly enrolment = new EnrolmentService({
    issuer: this.settings.issuer,
    tickets: this.store.enrolmentTickets,
    accounts: this.store.accounts,
    passkeys: this.passkeys,
    audit: this.audit,
    events: this.events,
    now: this.now,
  });
  readonly recovery = new RecoveryService({
    requests: this.store.recoveryRequests,
    accounts: this.accounts,
    passkeys: this.store.passkeys,
    devices: this.store.devices,
    limiter: this.limiter,
    auditEvents: this.store.audit,
    audit: this.audit,
    revocation: this.revocation,
    notifier: this.notifier,
    mailer: this.mailer,
    sms: this.sms,
    enrolment: this.enrolment,
    enrolmentLinkTtlSeconds: this.settings.recovery.enrolmentLinkTtlSeconds,
    logger: this.logger,
    now: this.now,
  });
  /** The operator console's and API's view of one user account (what the account menu shows, audited). */
  readonly accountLookup = new AccountLookup({
    accounts: this.accounts,
    passkeys: this.passkeys,
    devices: this.devices,
    trustedBrowsers: this.trustedBrowsers,
    menu: { history: (accountId, lang) => this.history.list(accountId, lang), everySignIn: (accountId) => this.whatEnds.everySignIn(accountId) },
    audit: this.audit,
  });
  readonly accountActions = new AccountActions({ lookup: this.accountLookup, accounts: this.accounts, revocation: this.revocation, recovery: this.recovery });
  readonly auditSearch = new AuditSearch({ events: this.store.audit, lookup: this.accountLookup, audit: this.audit });
  readonly phoneChange = new PhoneChangeService({
    accounts: this.store.accounts,
    codes: this.codes,
    limiter: this.limiter,
    mailer: this.mailer,
    sms: this.sms,
    enrolment: this.enrolment,
    audit: this.audit,
    logger: this.logger,
    enrolmentTtlSeconds: this.settings.recovery.phoneChangeTtlSeconds,
    now: this.now,
  });
  readonly phoneHandoffs = new PhoneHandoffService({
    handoffs: this.store.phoneHandoffs,
    mailer: this.mailer,
    accounts: this.store.accounts,
    enrolment: this.enrolment,
    devices: this.devices,
    limiter: this.limiter,
    audit: this.audit,
    // The PC's session, by the provider's own rule for whether a session still signs the account in.
    sessionAlive: async (uid, account) => {
      const session = await this.store.oidc('Session').findByUid(uid);
      if (session?.accountId !== account.id) return false;
      return signInCounts(account, { acr: typeof session.acr === 'string' ? session.acr : '', loginTs: typeof session.loginTs === 'number' ? session.loginTs : undefined });
    },
    ttlSeconds: this.settings.recovery.phoneSetupHandoffTtlSeconds,
    now: this.now,
  });

  /** The features that react to events, in the order they react. Provider-bound ones: app/app.ts. */
  /** Hits within and over each limit, counted when metrics are on. */
  #limitObserver(): LimitObserver | undefined {
    const metrics = this.metrics;
    return metrics && ((limit, hit) => metrics.rateLimitHits.inc({ limit, result: hit.over ? 'over' : 'within' }));
  }

  /** Push deliveries counted by push service when metrics are on, and traced when tracing is on. */
  #metered(sender: PushSender): PushSender {
    const metered = this.metrics ? meteredPush(sender, this.metrics) : sender;
    return this.tracer ? tracedPush(metered, this.tracer) : metered;
  }

  subscribe(): this {
    subscribeRecovery(this.events, this.recovery);
    subscribePhoneChange(this.events, { accounts: this.store.accounts, notifier: this.notifier, displayTimeZone: this.settings.displayTimeZone, now: this.now });
    subscribeNewPhoneNotices(this.events, { notifier: this.notifier, displayTimeZone: this.settings.displayTimeZone });
    subscribePasskeyAddedNotices(this.events, { notifier: this.notifier, displayTimeZone: this.settings.displayTimeZone });
    return this;
  }
}
