// The keys a view chooses by a value it was given (a notice in the query string, a contact kind,
// a scope, ...). Written out here, each is checked against the dictionary when this compiles,
// instead of being built at run time as 'account.notice.' + notice; a value without a text gets
// undefined, so the view shows nothing (or the raw value) rather than a missing key.
import type { MessageKey } from './messages.ts';

type Lookup = (value: unknown) => MessageKey | undefined;

function lookup(keys: Readonly<Record<string, MessageKey>>): Lookup {
  return (value) => typeof value === 'string' && Object.hasOwn(keys, value) ? keys[value] : undefined;
}

export const VIEW_KEYS = {
  /** /account?notice=... : what just happened. */
  accountNotice: lookup({
    renamed: 'account.notice.renamed',
    phone_renamed: 'menu.notice.phone_renamed',
    browser_renamed: 'menu.notice.browser_renamed',
    deleted: 'menu.notice.deleted',
    added: 'account.notice.added',
    revoked: 'menu.notice.revoked',
    revoked_all: 'menu.notice.revoked_all',
    phone_removed: 'menu.notice.phone_removed',
    name_changed: 'account.notice.name_changed',
    contact_verified: 'account.notice.contact_verified',
    contact_removed: 'account.notice.contact_removed',
    service_disconnected: 'menu.notice.service_disconnected',
    // Shown at the top of the menu, where the user lands after switching (not only in its section).
    always_passkey_on: 'apk.notice_on',
    always_passkey_off: 'apk.notice_off',
  }),
  /** oidc-provider's error codes on its error pages, in the page's language (its own texts are English only). */
  oidcError: lookup({
    invalid_client: 'oidc_error.invalid_client',
    invalid_redirect_uri: 'oidc_error.invalid_redirect_uri',
    invalid_request: 'oidc_error.invalid_request',
    unauthorized_client: 'oidc_error.unauthorized_client',
    invalid_scope: 'oidc_error.invalid_scope',
    unsupported_response_type: 'oidc_error.unsupported_response_type',
    access_denied: 'oidc_error.access_denied',
    login_required: 'oidc_error.login_required',
    session_not_found: 'oidc_error.session_not_found',
  }),
  /** Why a step-up sign-in is asked for (http/reauth-reason.ts). */
  reauthReason: lookup({
    account: 'reauth.reason.account',
    always_passkey_on: 'reauth.reason.always_passkey_on',
    always_passkey_on_done: 'reauth.reason.always_passkey_on_done',
    always_passkey_off: 'reauth.reason.always_passkey_off',
    add_way_in: 'reauth.reason.add_way_in',
    signed_out: 'reauth.reason.signed_out',
    new_passkey: 'reauth.reason.new_passkey',
    console: 'console.reauth_reason',
  }),
  /** A contact kind, as its row in the account menu names it. */
  contactName: lookup({ email: 'contacts.email', mobile: 'contacts.mobile' }),
  contactTitle: lookup({ email: 'contacts.email_title', mobile: 'contacts.mobile_title' }),
  contactLabel: lookup({ email: 'contacts.email_label', mobile: 'contacts.mobile_label' }),
  contactSendNote: lookup({ email: 'contacts.email_send_note', mobile: 'contacts.mobile_send_note' }),
  /** Why a user code was refused on /activate. */
  activateError: lookup({ wrong: 'activate.error_wrong', aborted: 'activate.error_aborted', failed: 'activate.error_failed' }),
  /** The scopes a person is asked about (openid goes without saying on the consent page). */
  consentScope: lookup({ profile: 'scope.profile', email: 'scope.email', phone: 'scope.phone', offline_access: 'scope.offline_access' }),
  /** The scopes a connected service was granted. */
  grantedScope: lookup({ openid: 'scope.openid', profile: 'scope.profile', email: 'scope.email', phone: 'scope.phone', offline_access: 'scope.offline_access' }),
  signInMethod: lookup({
    password: 'history.method.password',
    passkey: 'history.method.passkey',
    push: 'history.method.push',
    signup: 'history.method.signup',
    signup_password: 'history.method.signup_password',
    unknown: 'history.method.unknown',
  }),
  /** Why a sign-in failed (an audit reason code); other codes are shown as they are. */
  signInFailure: lookup({
    invalid_credentials: 'history.reason.invalid_credentials',
    passkey_required: 'history.reason.passkey_required',
    stronger_sign_in_required: 'history.reason.stronger_sign_in_required',
    unknown_passkey: 'history.reason.unknown_passkey',
    account_mismatch: 'history.reason.account_mismatch',
    user_handle_mismatch: 'history.reason.user_handle_mismatch',
    verification_failed: 'history.reason.verification_failed',
    always_passkey_on: 'history.reason.always_passkey_on',
    account_disabled: 'history.reason.account_disabled',
  }),
} as const satisfies Record<string, Lookup>;
