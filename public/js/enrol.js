// The enrolment link's page: register a passkey on this device with the link, then sign in with it
// and set the phone up.
import { browserSupportsWebAuthn, messageFor, postJson, showError, startRegistration } from './webauthn.js';

const root = document.getElementById('enrol');
const { token, csrf } = root.dataset;
const button = document.getElementById('enrol-button');
const base = `/enrol/${encodeURIComponent(token)}`;

if (!browserSupportsWebAuthn()) {
  showError(root.dataset.msgUnsupported);
} else {
  button.disabled = false;
  button.addEventListener('click', async () => {
    showError('');
    button.disabled = true;
    try {
      const { options } = await postJson(`${base}/options`, {}, csrf);
      const response = await startRegistration({ optionsJSON: options });
      const { next } = await postJson(`${base}/verify`, { response }, csrf);
      document.getElementById('enrol-done').hidden = false;
      window.location.assign(next);
    } catch (error) {
      showError(messageFor(error, root));
      // A used or expired link cannot succeed again; anything else may be retried.
      button.disabled = error && error.code === 'enrolment_link_invalid';
    }
  });
}
