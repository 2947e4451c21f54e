// The enrolment link's page: register a passkey on this device with the link, then sign in with it
// and set the phone up.
//
// The link's secret is in its fragment (/enrol/<id>#<secret>), which the browser never sends: this
// script reads it, takes it out of the address bar (screenshots, shared screens, history), keeps it
// for this tab only (a reload or the language switch still works) and posts it with each step.
import { browserSupportsWebAuthn, messageFor, postJson, showError, startRegistration } from './webauthn.js';

const root = document.getElementById('enrol');
const { ticket, csrf } = root.dataset;
const button = document.getElementById('enrol-button');
const base = `/enrol/${encodeURIComponent(ticket)}`;
const kept = `tobira.enrol.${ticket}`;

function keep(secret) {
  try {
    if (secret) window.sessionStorage.setItem(kept, secret);
    else window.sessionStorage.removeItem(kept);
  } catch {
    // Storage may be off (private mode): the secret then lives only as long as this page.
  }
}

function takeSecret() {
  const fromLink = window.location.hash.slice(1);
  if (fromLink) {
    keep(fromLink);
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    return fromLink;
  }
  try {
    return window.sessionStorage.getItem(kept) || '';
  } catch {
    return '';
  }
}

const secret = takeSecret();

if (!secret) {
  showError(root.dataset.msgIncomplete);
} else if (!browserSupportsWebAuthn()) {
  showError(root.dataset.msgUnsupported);
} else {
  button.disabled = false;
  button.addEventListener('click', async () => {
    showError('');
    button.disabled = true;
    try {
      const { options } = await postJson(`${base}/options`, { secret }, csrf);
      const response = await startRegistration({ optionsJSON: options });
      const { next } = await postJson(`${base}/verify`, { secret, response }, csrf);
      keep('');
      document.getElementById('enrol-done').hidden = false;
      window.location.assign(next);
    } catch (error) {
      showError(messageFor(error, root));
      // A used or expired link cannot succeed again; anything else may be retried.
      const spent = error && error.code === 'enrolment_link_invalid';
      if (spent) keep('');
      button.disabled = spent;
    }
  });
}
