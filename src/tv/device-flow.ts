// TV login: the OAuth device authorization grant (RFC 8628) with tobira's own pages. The TV shows
// a user code (and the QR code from /activate/qr.svg); the user opens /activate on a phone or PC,
// confirms the code, then signs in on the usual pages (passkey, or "notify my phone").
import type { Context } from 'koa';
import type { Configuration } from 'oidc-provider';
import { render } from '../http/render.ts';

type DeviceFlowFeature = NonNullable<NonNullable<Configuration['features']>['deviceFlow']>;

/** oidc-provider's form carries an inline onfocus handler; the strict CSP forbids inline script. */
function withoutInlineHandlers(form: string): string {
  return form.replace(/\s+on[a-z]+="[^"]*"/g, '');
}

/** The e-mail of a signed-in account, so the confirmation page can say who the TV will be signed in as. */
export type AccountEmailOf = (accountId: string) => Promise<string | null>;

export function deviceFlowFeature(emailOf: AccountEmailOf): DeviceFlowFeature {
  return {
    enabled: true,
    charset: 'base-20',
    mask: '****-****',
    userCodeInputSource: async (ctx, form, _out, err) => {
      const error = err ? (('userCode' in err && err.userCode) || err.name === 'NoCodeError' ? 'wrong' : err.name === 'AbortedError' ? 'aborted' : 'failed') : '';
      await render(ctx as unknown as Context, 'activate-input', { form: withoutInlineHandlers(form), error }, err ? 400 : 200);
    },
    userCodeConfirmSource: async (ctx, form, client, _deviceInfo, userCode) => {
      // Already signed in to tobira in this browser: the TV will get this account without a sign-in
      // page, so say which one (and how to use another) before the user confirms.
      const accountId = ctx.oidc.session?.accountId;
      const account = accountId ? await emailOf(accountId) : null;
      await render(ctx as unknown as Context, 'activate-confirm', { form, client: client.clientName ?? client.clientId, userCode, account });
    },
    successSource: async (ctx) => {
      await render(ctx as unknown as Context, 'activate-done', { client: ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? '' });
    },
  };
}
