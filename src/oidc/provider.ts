// oidc-provider configuration: which OAuth/OIDC features are on, how long things live, where the
// interaction pages are. Protocol rules live here; login and consent pages are in interactions/.
import type { Context } from 'koa';
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { ClientMetadata } from '../clients/clients-file.ts';
import type { Settings } from '../config/settings.ts';
import { CookieSigner } from '../http/cookie-signer.ts';
import { asAppError, respondWithError } from '../http/error-handler.ts';
import { render } from '../http/render.ts';
import { StoreUnavailableError } from '../store/errors.ts';
import { stateOf } from '../http/state.ts';
import { VIEW_KEYS } from '../i18n/view-keys.ts';
import type { AccountRepository, ConsentRepository, Store } from '../store/types.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { adapterFactory } from './adapter.ts';
import { checkHashedSecrets, storedClientAdapter, type StoredClientSource } from './store-clients.ts';
import { ACR, meetsTypedPush, requiresPhishingResistant, requiresTypedPush, SUPPORTED_ACR_VALUES } from '../assurance/assurance.ts';
import { FIRST_PARTY } from '../clients/first-party.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import { PASSWORD_DEPENDENT, refusesClient } from '../always-passkey/policy.ts';
import { cibaFeature } from './ciba.ts';
import { deviceFlowFeature } from '../tv/device-flow.ts';
import type { ApprovalService } from '../flows/push-approval/service.ts';
import { CLAIMS_BY_SCOPE, findAccountIn, passwordDependentGuard } from './find-account.ts';
import type { PrivateJwks } from './signing-keys.ts';
import { EXTERNAL_SIGNING_ACK, providerSigningKeys } from './node-signing-key.ts';
import { introspectsFor, resourceIndicatorsFeature } from './resource-indicators.ts';
import { API_ACCESS, apiAccessProblem } from '../resources/api-access.ts';
import type { ResourceServer } from '../resources/resources-file.ts';
import { signInCounts } from '../accounts/sign-in-counts.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';

export interface ProviderDeps {
  settings: Settings;
  accounts: AccountRepository;
  consents: ConsentRepository;
  /** oidc-provider's own models (sessions, grants, tokens, codes), through the store port. */
  oidc: Store['oidc'];
  audit: AuditLog;
  /** The fixed clients (clients file, account menu, demo partner): oidc-provider's static clients. */
  clients: ClientMetadata[];
  /** The clients registered through the operator API, found by oidc-provider through its Client adapter. */
  storedClients: StoredClientSource;
  directory: ClientDirectory;
  jwks: PrivateJwks;
  cookieKeys: string[];
  /** The partners' APIs machine clients get JWT access tokens for. */
  resources: readonly ResourceServer[];
  /** Push approvals, for CIBA requests (results come back through the `approval.decided` event). */
  approvals: Pick<ApprovalService, 'requestBackchannel'>;
  /** Counts wrong secrets of stored clients per source (store-clients.ts). */
  limiter: Pick<RateLimiter, 'hit' | 'reached'>;
}

/**
 * A later authorization goes without the consent step only when the user ticked "remember this
 * decision" for this partner (or has just decided in this very interaction); otherwise consent is
 * asked again. The decision is remembered per account and partner (interactions/consent.ts), so it
 * holds in a new browser and after the partner signed the user out: the session's grant is reused
 * while it lasts, else a grant is made afresh from what was remembered. Scopes asked for beyond it
 * still go to the consent page.
 */
function loadRememberedGrant(consents: ConsentRepository): Configuration['loadExistingGrant'] {
  return async (ctx: KoaContextWithOIDC) => {
    const { oidc } = ctx;
    const decidedNow = oidc.result?.consent?.grantId;
    if (decidedNow) return oidc.provider.Grant.find(decidedNow);
    const clientId = oidc.client?.clientId;
    const accountId = oidc.session?.accountId;
    if (!clientId || !accountId) return undefined;
    const remembered = await consents.find(accountId, clientId);
    if (!remembered) return undefined;
    const grantId = oidc.session?.grantIdFor(clientId);
    const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (existing && existing.accountId === accountId) return existing;
    const grant = new oidc.provider.Grant({ accountId, clientId });
    grant.addOIDCScope(remembered.scope);
    if (remembered.claims.length > 0) grant.addOIDCClaims(remembered.claims);
    await grant.save();
    return grant;
  };
}

/**
 * A grant revoked at the token endpoint was revoked for a reused refresh token or authorization
 * code, which looks like theft: the remembered decision goes with it, so the next sign-in to that
 * partner shows the consent page again (a partner's sign-out or its own revocation request keep it).
 */
function forgetConsentOnTheft(provider: Provider, consents: ConsentRepository): void {
  const emitter: NodeJS.EventEmitter = provider;
  emitter.on('grant.revoked', (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.route !== 'token') return;
    const source = ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.AuthorizationCode;
    const accountId = source?.accountId;
    const clientId = source?.clientId;
    if (typeof accountId !== 'string' || typeof clientId !== 'string') return;
    consents.forget(accountId, clientId).catch((err: unknown) => {
      stateOf(ctx).log?.error({ err }, 'the remembered consent of a revoked grant could not be forgotten');
    });
  });
}

/**
 * oidc-provider's default prompts, plus: a partner that requires `phr` gets a passkey sign-in; a
 * sign-in that no longer counts (accounts/sign-in-counts.ts: a password sign-in of an
 * always-passkey account, a sign-in older than the account's last revocation) counts for nothing
 * here either (the user is asked to sign in again); a partner the account is refused
 * (always-passkey/policy.ts) always reaches the consent step (even with a remembered grant), where
 * always-passkey/sign-in-refusal.ts explains the refusal.
 */
function interactionPolicyWithPhr(accounts: AccountRepository, clients: ClientDirectory): interactionPolicy.Prompt[] {
  const { Check } = interactionPolicy;
  const policy = interactionPolicy.base();
  // With prompt=none a weaker session answers login_required (a sign-in is what is missing), not
  // oidc-provider's default interaction_required.
  policy.get('login')?.checks.add(new Check('phr_required', 'the partner service requires a phishing-resistant sign-in', 'login_required', (ctx) => {
    const { oidc } = ctx;
    return requiresPhishingResistant(oidc.params?.acr_values, oidc.claims) && oidc.acr !== ACR.PHISHING_RESISTANT
      ? Check.REQUEST_PROMPT
      : Check.NO_NEED_TO_PROMPT;
  }));
  // A partner that needs the typed number (acr_values urn:tobira:acr:push:typed) gets a new sign-in
  // over a session made with a password or a picked number; with prompt=none, login_required.
  policy.get('login')?.checks.add(new Check('typed_push_required', 'the partner service requires a passkey or a push approval with the number typed', 'login_required', (ctx) => {
    const { oidc } = ctx;
    return requiresTypedPush(oidc.params?.acr_values, oidc.claims) && !meetsTypedPush(oidc.acr) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  }));
  // Checked whenever a sign-in is used, also when a finished one comes back from its interaction:
  // "Always passkey" turned on, or the account's access revoked, while it waited there (up to the
  // interaction's lifetime) must void it before a partner gets a code.
  policy.get('login')?.checks.add(new Check('sign_in_void', 'the account\'s rules no longer accept this sign-in', 'login_required', async (ctx) => {
    const session = ctx.oidc.session;
    if (!session?.accountId) return Check.NO_NEED_TO_PROMPT;
    const account = await accounts.findById(session.accountId);
    return account && !signInCounts(account, { acr: session.acr, loginTs: session.loginTs }) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  }));
  policy.get('consent')?.checks.add(new Check('password_dependent_client', 'the partner service depends on a password the account does not have', async (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    const accountId = ctx.oidc.session?.accountId;
    if (!clientId || !accountId) return Check.NO_NEED_TO_PROMPT;
    const account = await accounts.findById(accountId);
    return account && refusesClient(account, clients.registration(clientId)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  }));
  return [...policy];
}

export function createProvider({ settings, accounts, consents, oidc, audit, clients, storedClients, directory, jwks, cookieKeys, resources, approvals, limiter }: ProviderDeps): Provider {
  const guard = passwordDependentGuard(audit, directory);
  const configuration: Configuration = {
    adapter: adapterFactory(oidc, { Client: storedClientAdapter(storedClients) }),
    clients,
    jwks: providerSigningKeys(jwks),
    findAccount: findAccountIn(accounts, guard),
    claims: {
      // Standalone claims oidc-provider adds itself; listing scopes must not drop them.
      sid: null,
      auth_time: null,
      iss: null,
      ...Object.fromEntries(Object.entries(CLAIMS_BY_SCOPE).map(([scope, claims]) => [scope, [...claims]])),
      // Partners always learn how the user signed in, not only when they ask with acr_values.
      openid: [...CLAIMS_BY_SCOPE.openid, 'acr', 'amr'],
    },
    scopes: ['openid', 'offline_access', ...Object.keys(CLAIMS_BY_SCOPE).filter((s) => s !== 'openid')],
    acrValues: [...SUPPORTED_ACR_VALUES],
    // Why tobira's own account pages send a user to sign in again (http/reauth-reason.ts); the
    // sign-in page honours it only for the account client.
    extraParams: ['tobira_reason'],
    // `none` serves tobira's own account menu (a first-party client that only needs the session).
    responseTypes: ['code', 'none'],
    extraClientMetadata: {
      properties: [FIRST_PARTY, PASSWORD_DEPENDENT, API_ACCESS],
      validator: (_ctx, key, value) => {
        if ((key === FIRST_PARTY || key === PASSWORD_DEPENDENT) && value !== undefined && typeof value !== 'boolean') {
          throw new errors.InvalidClientMetadata(`${key} must be true or false`);
        }
        const problem = key === API_ACCESS ? apiAccessProblem(value, resources) : null;
        if (problem) throw new errors.InvalidClientMetadata(problem);
      },
    },
    // Every flow that issues a code needs PKCE; `none` (the account menu) issues nothing to protect.
    pkce: { required: (ctx) => String(ctx.oidc.params?.response_type ?? '').split(' ').includes('code') },
    rotateRefreshToken: true,
    loadExistingGrant: loadRememberedGrant(consents),
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    cookies: {
      // interactionDetails() and Session.get() read cookies on the provider's own context: same
      // signer as the app's (http/cookie-signer.ts), not a keygrip built from the array.
      keys: new CookieSigner(cookieKeys),
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    ttl: {
      AccessToken: settings.ttl.accessToken,
      // A back end's token for an API; the API's accessTokenTtl in the resources file overrides it.
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? settings.ttl.accessToken,
      AuthorizationCode: settings.ttl.authorizationCode,
      IdToken: settings.ttl.idToken,
      Interaction: settings.ttl.interaction,
      Session: settings.ttl.session,
      Grant: settings.ttl.grant,
      RefreshToken: settings.ttl.refreshToken,
      // A backchannel request lives exactly as long as the phone approval that answers it.
      BackchannelAuthenticationRequest: settings.push.approvalTtlSeconds,
      DeviceCode: 600,
    },
    // /device is the phone's companion app; the device grant's pages live at /activate.
    routes: { code_verification: '/activate', device_authorization: '/device_authorization' },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: interactionPolicyWithPhr(accounts, directory),
    },
    features: {
      devInteractions: { enabled: false },
      // The signing keys sign through node:crypto (oidc/node-signing-key.ts).
      externalSigningSupport: { enabled: true, ack: EXTERNAL_SIGNING_ACK },
      claimsParameter: { enabled: true },
      // A partner may look into or revoke only the tokens issued to it (RFC 7009 §2.1, RFC 7662 §4);
      // an API registered in the resources file may also look into the tokens issued for it.
      // Introspection does not load the account through findAccount: the password-dependent guard
      // is asked here, so such a partner's token of an always-passkey account is inactive.
      introspection: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) => {
          const audience = 'aud' in token ? token.aud : undefined;
          if (token.clientId !== client.clientId && !introspectsFor(resources, client.clientId, audience)) return false;
          const accountId = 'accountId' in token ? token.accountId : undefined;
          const account = typeof accountId === 'string' ? await accounts.findById(accountId) : undefined;
          return !account || !await guard(ctx, account, client.clientId);
        },
      },
      clientCredentials: { enabled: true },
      resourceIndicators: resourceIndicatorsFeature(resources, settings.ttl.accessToken),
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      ciba: cibaFeature(accounts, approvals),
      deviceFlow: deviceFlowFeature(async (accountId) => (await accounts.findById(accountId))?.email ?? null),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // A partner's own sign-out (it named itself with id_token_hint or client_id) ends its
          // session whatever the answer; the question is only whether tobira's ends too, so the
          // page names the partner and both outcomes. tobira's own menu asks the plain question.
          const client = ctx.oidc.client;
          const partner = client && client.metadata()[FIRST_PARTY] !== true ? client.clientName ?? client.clientId : null;
          await render(ctx as unknown as Context, 'logout', { form, partner });
        },
        postLogoutSuccessSource: async (ctx) => {
          await render(ctx as unknown as Context, 'logged-out');
        },
      },
    },
    renderError: async (ctx, out, error) => {
      // The database went away mid-request: the same clean 503 page as tobira's own routes.
      if (error instanceof StoreUnavailableError) {
        await respondWithError(ctx as unknown as Context, asAppError(error)!);
        return;
      }
      const state = stateOf(ctx);
      state.log?.info({ error: out.error, description: out.error_description, err: error }, 'oidc error page');
      // oidc-provider's descriptions are English ("client is invalid"): the page says it in its own
      // language by the error code; the description stays in the log.
      const message = state.t(VIEW_KEYS.oidcError(out.error) ?? 'oidc_error.other');
      await render(ctx as unknown as Context, 'error', { code: out.error, message }, ctx.status >= 400 ? ctx.status : 400);
    },
  };

  if (settings.allowPrivateNetworkCallbacks) {
    // oidc-provider refuses outgoing calls (back-channel logout, client JWKS, ...) to loopback and
    // private addresses by passing an SSRF-guarding dispatcher; operators whose partner services
    // live on a private network drop that guard here, and only then.
    configuration.fetch = (url, options) => {
      const { dispatcher: _guard, ...unguarded } = options as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, unguarded);
    };
  }

  const provider = new Provider(settings.issuer, configuration);
  provider.proxy = settings.proxy;
  checkHashedSecrets(provider, limiter);
  forgetConsentOnTheft(provider, consents);
  return provider;
}
