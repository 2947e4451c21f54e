// Shared by the pages that run WebAuthn ceremonies. The browser half of every ceremony is
// @simplewebauthn/browser from the installed package, bundled into each page's one script by
// src/http/page-assets.ts (never loaded from a CDN).
export {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';

/** POSTs JSON with the CSRF token; throws an Error carrying tobira's error code and message. */
export async function postJson(url, body, csrf) {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    // Without tobira's own (translated) message, messageFor falls back to a general sentence.
    const error = new Error(data.message || '');
    error.name = 'TobiraError';
    error.code = data.error;
    throw error;
  }
  return data;
}

/**
 * What each way a ceremony can end means, as the key of a translated sentence in the page's
 * #webauthn-messages (views/partials/ceremony-error.ejs). @simplewebauthn/browser wraps the
 * browser's DOMException in a WebAuthnError whose `name` is the DOMException's and whose `code`
 * is its own (ERROR_...): that code is not a tobira error, and the browser's own text (English,
 * with a w3.org link) is never shown.
 */
const OUTCOMES = {
  NotAllowedError: 'cancelled',
  AbortError: 'cancelled',
  InvalidStateError: 'alreadyRegistered',
  SecurityError: 'security',
  NotSupportedError: 'unsupported',
  ConstraintError: 'noVerification',
  TypeError: 'network',
};

/** The sentence to show for a failed step: tobira's own (translated by the server), or the outcome's. */
export function messageFor(error) {
  if (error && error.name === 'TobiraError' && error.message) return error.message;
  const texts = document.getElementById('webauthn-messages').dataset;
  const outcome = (error && OUTCOMES[error.name]) || 'unknown';
  return texts[outcome] || texts.unknown;
}

export function showError(text) {
  const box = document.getElementById('passkey-error');
  box.textContent = text;
  box.hidden = !text;
}
