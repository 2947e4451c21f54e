// English texts of the errors; the codes and the values each text takes come from i18n/ja/errors.ts.
import type { ErrorTexts } from '../ja/errors.ts';

export const errors: ErrorTexts = {
  // The HTTP edge
  csrf_failed: 'This form has expired or was not sent from tobira. Please go back, reload the page and try again.',
  interaction_expired: 'This sign-in has expired or is unknown. Please return to the service you came from and start again.',
  activation_expired: 'This code entry page has expired or is unknown. Please open /activate again and enter the code your TV shows.',
  internal_error: 'Something went wrong on our side. Please try again.',
  name_control_characters: 'A name cannot contain control characters (line breaks, tabs, text-direction marks and the like). Please remove them and try again.',
  invalid_input: (p) => p.field ? `Please check the field "${p.field}".` : 'The request could not be read. Please check what you entered.',
  not_found: 'This page does not exist.',
  payload_too_large: 'The request is too large.',
  // The store (no HTTP status: the edge gives one)
  already_consumed: 'This code or token has already been used.',
  duplicate_key: (p) => `This ${p.field} is already in use.`,
  revision_conflict: (p) => `Another change was saved after you read this (it is now at revision ${p.revision}). Read it again, then make your change.`,
  store_unavailable: 'The service is temporarily unavailable. Please try again shortly.',
  // Configuration
  config_invalid: (p) => `${p.setting}: ${p.problem.en}`,
  // Accounts
  account_not_found: 'The account no longer exists.',
  email_taken: 'An account with this e-mail address already exists. Please sign in instead.',
  invalid_credentials: 'The e-mail address or password is incorrect.',
  sign_in_throttled: (p) => `Too many password tries: password sign-in is paused for about ${Math.ceil(p.retryAfterSeconds / 60)} minute(s). Try again then, or sign in with a passkey or a notification to your phone. If you forgot your password, resetting it lets you sign in again at once.`,
  passkey_required: 'This service requires you to sign in with a passkey (biometrics or screen lock), not a password.',
  stronger_sign_in_required: 'This service requires you to sign in with a passkey, or by approving on your phone and typing the 6-digit number shown here, not with a password.',
  weak_password: (p) => p.guessable ? `This password is too easy to guess. ${p.guessable.en}`.trim() : 'Choose a password of at least 12 characters.',
  // The account menu
  not_signed_in: 'Please sign in first.',
  passkey_reauthentication_required: 'For your security, sign in again with your passkey (biometrics or screen lock) before making this change.',
  reauthentication_required: 'For your security, confirm it is you (sign in again) before making this change.',
  service_not_connected: 'This service is not connected to your account.',
  // Always passkey
  always_passkey_not_on: '"Always passkey" is not turned on for this account.',
  always_passkey_on: 'This account uses "Always passkey": it signs in only with a passkey (biometrics or screen lock) or a notification to its phone, never with a password, and has no password to reset. To use a password again, sign in with your passkey, open your account (/account) and turn "Always passkey" off by setting a new password.',
  confirmation_required: 'Please confirm that you have read what changes before turning "Always passkey" on.',
  new_password_required: 'Turning "Always passkey" off needs a new password: enter one.',
  password_dependent_client: (p) => `${p.client} works only with a password, and your account uses "Always passkey" (it has no password). ${p.client} cannot be used with this account while "Always passkey" is on.`,
  phone_required: '"Always passkey" can be turned on only after a phone is set up for sign-in (a passkey on the phone and notifications allowed). Open /device on your phone to set it up first.',
  // Passkeys
  challenge_expired: 'This passkey request has expired or was already used. Please try again.',
  passkey_counter_regression: 'This passkey looks like a copy of another authenticator and was refused. Please contact support.',
  invalid_webauthn_response: 'The passkey response could not be read. Please try again.',
  last_sign_in_method: 'This is the last way into your account, so it cannot be deleted. Add another passkey first.',
  passkey_account_mismatch: 'This passkey belongs to a different account.',
  passkey_already_registered: 'This passkey is already registered.',
  passkey_not_found: 'There is no such passkey in your account.',
  passkey_verification_failed: 'The passkey could not be verified. Please try again.',
  unknown_passkey: 'This passkey is not registered with tobira (it may have been deleted). Choose another passkey or sign in another way.',
  // Trusted browsers
  trusted_browser_not_found: 'There is no such trusted browser in your account.',
  // Phones (devices)
  device_not_found: 'There is no such phone in your account.',
  notifications_required: 'This phone cannot be set up without notifications. Allow notifications for tobira (on iPhone: add tobira to the Home Screen first, then allow it in Settings → Notifications) and try again.',
  // Contacts
  code_not_delivered: 'The code could not be sent. Please check the address and try again later.',
  contact_email_invalid: 'This is not a valid e-mail address. Please check it.',
  contact_not_set: 'This contact is not set.',
  mobile_number_invalid: 'This is not a valid phone number. Enter it like 090-1234-5678, or with + and the country code.',
  not_a_mobile_number: 'This is not a mobile number. Codes are sent by SMS, so please enter a mobile number.',
  too_many_codes: 'Too many codes were sent. Please wait an hour and try again.',
  // One-time codes
  code_expired: 'The code has expired or was already used. Please ask for a new one.',
  code_invalid: 'The code is not correct. Please check it and try again.',
  mail_budget_spent: (p) => `Too many codes were sent to this address. Use a code you already received, or try again in about ${Math.ceil(p.retryAfterSeconds / 60)} minute(s).`,
  signup_password_tries_spent: (p) => `Too many passwords were tried. Please try again in about ${Math.ceil(p.retryAfterSeconds / 60)} minute(s).`,
  too_many_attempts: 'Too many wrong codes: this code no longer works. Please ask for a new one.',
  // Web Push
  invalid_push_subscription: 'The push subscription from this browser could not be read. Please allow notifications and try again.',
  push_delivery_failed: 'The notification could not be sent to your phone. Please try again in a moment.',
  push_endpoint_not_allowed: 'This browser uses a push service tobira does not send to. Please use a different browser.',
  // Sign-up
  signup_step_missing: 'Please start the sign-up again from the beginning.',
  // Push approval
  approval_decided: 'This sign-in request has already been answered or has expired.',
  approval_not_approved: 'The sign-in request was not approved on your phone.',
  approval_not_found: 'This sign-in request does not exist or has expired.',
  approval_used: 'This approval has already been used to sign in. Please sign in again.',
  push_rate_limited: 'Too many sign-in requests were sent to your phone this hour. Try again later or sign in with a passkey.',
  enrolled_passkey_unusable: 'The passkey registered a moment ago can no longer set up this phone (too much time has passed, or another account is signed in). Press "Set up this phone" again and confirm with your passkey.',
  device_required: 'Only a phone set up for this account can answer sign-in requests.',
  push_blocked: 'Sign-in by phone notification is paused for this account for a while. Sign in with a passkey instead.',
  push_paused: 'A wrong number was chosen on your phone, so sign-in by phone notification from this browser is paused for a while. Sign in with a passkey, or from a browser you have used before.',
  too_many_pending: 'Several sign-in requests are already waiting on your phone. Answer or let them expire first.',
  wrong_number: 'That is not the number shown on the sign-in screen. The request was denied to protect you, and for a while sign-in by phone notification works only from browsers you have used before.',
  // Phone change
  recovery_throttled: 'Too many recovery requests were sent from here. Please wait an hour and try again.',
  phone_change_rate_limited: 'Codes for this account were requested too often. Please wait an hour and try again.',
  phone_change_step_missing: 'There is no phone change in progress in this browser, or it has expired. Please start again.',
  // Enrolment links
  enrolment_link_invalid: 'This link cannot be used: it was already used, has expired, or is incomplete. Start the phone change again, or ask for a new link.',
  phone_handoff_invalid: 'This code or link cannot be used: it is mistyped, already used or expired. On your computer, open Account → Phones to show a new code, and try again.',
  phone_handoff_rate_limited: 'Too many codes were tried. Wait a while, then enter the code shown on your computer again.',
  phone_handoff_starts_limited: 'Codes were shown too many times this hour. Please wait a while and try again.',
  // Recovery
  contact_required: 'Please give a contact e-mail address or a mobile number, so that we can compare them with your account.',
  control_characters: 'Please remove the control characters (such as escape or carriage return): only ordinary text, new lines and tabs are accepted.',
  recovery_account_unknown: 'This recovery request names no existing account, so there is nobody to send an enrolment link to. Reject it instead.',
  recovery_enrolment_not_used: 'The enrolment link of this request has not been used yet, so there is nothing to complete.',
  recovery_new_passkey_gone: 'The passkey registered with the enrolment link no longer belongs to the account; removing every other passkey could lock the user out, so nothing was done.',
  recovery_no_verified_contact: 'This account has no verified contact (no verified e-mail address, no verified mobile number), so there is nowhere safe to send an enrolment link. The request stays pending; reject it or help the user another way.',
  recovery_not_completable: (p) => `Only an approved request whose enrolment link was used can be completed (this one is ${p.state}).`,
  recovery_request_decided: (p) => `This recovery request is no longer pending (it is ${p.state}).`,
  recovery_request_not_found: 'There is no recovery request with this id.',
  recovery_completion_failed: (p) => `The clean-up after the enrolment failed again (${p.steps.join(', ')}). The steps that could run did; the cause is in tobira's log and the audit log (recovery.completion_failed). Fix it and run the completion again.`,
  // The operator API
  admin_api_off: 'The operator API is off (ADMIN_TOKEN is not set).',
  admin_unauthorized: 'The operator API needs "Authorization: Bearer <ADMIN_TOKEN>" with the right token.',
  client_not_found: 'There is no client with this client_id.',
  client_exists: (p) => `The client_id "${p.clientId}" is already registered.`,
  client_managed_by_file: (p) => `The client "${p.clientId}" is managed by the clients file (CLIENTS_FILE) or by tobira itself: the API and CLI cannot change it. Edit the file and restart.`,
  client_revision_conflict: (p) => `The client changed after you read it (it is now at revision ${p.revision}). Read it again, then repeat your change.`,
  invalid_client_metadata: (p) => `The client registration is not valid (${p.field}): ${p.detail}`,
  client_secret_key_missing: 'This authentication method or algorithm (client_secret_jwt, HS256, ...) needs the secret itself: set CLIENT_SECRET_KEY so that tobira can keep it encrypted.',
  client_secret_must_rotate: 'This change needs a new secret: repeat it with "rotateSecret": true (--rotate-secret in the CLI). The partner must then use the new secret.',
  client_has_no_secret: 'This client uses no secret (token_endpoint_auth_method none or private_key_jwt).',
};
