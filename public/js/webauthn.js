// Shared by the pages that run WebAuthn ceremonies. The browser half of every ceremony is
// @simplewebauthn/browser, served by tobira itself from the installed package.
export {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
} from '/static/vendor/simplewebauthn/index.js';

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
    const error = new Error(data.message || res.statusText);
    error.code = data.error;
    throw error;
  }
  return data;
}

/** The message to show for a failed ceremony: tobira's own, or "cancelled" for the browser's. */
export function messageFor(error, root) {
  if (error && error.code) return error.message;
  if (error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) return root.dataset.msgCancelled;
  return (error && error.message) || root.dataset.msgCancelled;
}

export function showError(text) {
  const box = document.getElementById('passkey-error');
  box.textContent = text;
  box.hidden = !text;
}
