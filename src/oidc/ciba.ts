// CIBA (OpenID Client-Initiated Backchannel Authentication): a partner names the user
// (`login_hint` = the account's e-mail) and a `binding_message`; the user approves on a set-up
// phone, and the decision reaches the partner through the token endpoint (poll) or a ping.
import type Provider from 'oidc-provider';
import { errors, type Configuration } from 'oidc-provider';
import type { ApprovalService } from '../flows/push-approval/service.ts';
import { auditContextOf } from '../http/audit-context.ts';
import { AppError } from '../errors/app-error.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AccountRepository, Approval } from '../store/types.ts';
import { assuranceOf } from '../assurance/assurance.ts';

type CibaFeature = NonNullable<NonNullable<Configuration['features']>['ciba']>;

/**
 * The one answer for every user who cannot be asked now: unknown, no phone set up, push sign-in
 * paused or capped. A partner (or whoever drives it) must not learn from CIBA which e-mail
 * addresses have accounts; the reason goes to the process log only (error_detail is never sent).
 */
const UNREACHABLE = 'the user cannot be asked to approve a sign-in on a phone now';

export function cibaFeature(accounts: AccountRepository, approvals: Pick<ApprovalService, 'requestBackchannel'>): CibaFeature {
  return {
    enabled: true,
    deliveryModes: ['poll', 'ping'],
    processLoginHint: async (_ctx, loginHint) => {
      if (!loginHint) return undefined;
      const account = await accounts.findByEmail(loginHint.trim().toLowerCase());
      // Not oidc-provider's unknown_user_id: an unknown address answers as a known unusable one.
      if (!account) throw new errors.AccessDenied(UNREACHABLE, 'no account has this login_hint');
      // The partner is told what it is told for an unknown address: no push goes to a disabled account's phones.
      if (account.disabled !== null) throw new errors.AccessDenied(UNREACHABLE, 'the account is disabled');
      return account.id;
    },
    processLoginHintToken: () => {
      throw new errors.InvalidRequest('login_hint_token is not supported; send login_hint (the account e-mail)');
    },
    // Shown on the partner's screen and on the phone for the user to compare: any script (Japanese
    // too), digits, spaces and common punctuation, short enough for a phone notification.
    validateBindingMessage: (_ctx, bindingMessage) => {
      if (bindingMessage === undefined) return;
      if (!/^[\p{L}\p{N}\p{M} .,:;!?#+\-_/()・ー、。「」]{1,40}$/u.test(bindingMessage)) {
        throw new errors.InvalidBindingMessage('binding_message must be 1-40 letters, digits, spaces or common punctuation');
      }
    },
    validateRequestContext: () => undefined,
    // Discovery says backchannel_user_code_parameter_supported: false (discovery-edge.ts).
    verifyUserCode: (_ctx, _account, userCode) => {
      if (userCode) throw new errors.InvalidRequest('user_code is not supported');
    },
    triggerAuthenticationDevice: async (ctx, request, account, client) => {
      let started;
      try {
        started = await approvals.requestBackchannel({
          accountId: account.accountId,
          authReqId: request.jti,
          context: {
            client: client.clientName ?? client.clientId,
            clientLogo: client.logoUri ?? '',
            // The request comes from the partner's server, not from the user's device: its address
            // and place would mislead. The binding message is what the user compares.
            browser: '',
            ip: '',
            place: '',
            bindingMessage: String(request.params?.binding_message ?? ''),
          },
          audit: auditContextOf(ctx, `client:${client.clientId}`),
        });
      } catch (err) {
        // Paused or capped push sign-in: the partner learns it cannot reach the user now, not why.
        if (err instanceof AppError) throw new errors.AccessDenied(UNREACHABLE, err.code);
        throw err;
      }
      if (started.kind === 'no_phone') throw new errors.AccessDenied(UNREACHABLE, 'the account has no phone set up');
    },
  };
}

/** CIBA reacts to decided approvals: the provider learns the result the partner is polling for. */
export function subscribeBackchannelResults(events: EventBus, provider: Provider): void {
  events.on('approval.decided', ({ approval }) => deliverBackchannelResult(provider, approval));
}

/** Hands a decided CIBA approval to the provider: a grant for the requested scopes, or access_denied. */
async function deliverBackchannelResult(provider: Provider, approval: Approval): Promise<void> {
  if (approval.origin.kind !== 'ciba') return;
  const request = await provider.BackchannelAuthenticationRequest.find(approval.origin.authReqId);
  if (!request?.accountId) return;
  if (approval.status !== 'approved') {
    await provider.backchannelResult(request, new errors.AccessDenied('the user denied the request on their phone'));
    return;
  }
  const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
  if (request.scope) grant.addOIDCScope(request.scope);
  await grant.save();
  const { acr, amr } = assuranceOf({ kind: 'push', userVerified: approval.userVerified, matching: approval.matching });
  await provider.backchannelResult(request, grant, { acr, amr, authTime: Math.floor((approval.decidedAt ?? new Date()).getTime() / 1000) });
}
