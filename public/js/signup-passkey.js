// Last step of the passwordless sign-up: register a passkey; the account is created with it.
import { browserSupportsWebAuthn, messageFor, postJson, showError, startRegistration } from './webauthn.js';

const form = document.getElementById('signup-passkey-form');
const { uid, csrf } = form.dataset;

// The button stays disabled until this handler exists (a click before would submit the form natively).
document.getElementById('create-passkey').disabled = false;
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  if (!browserSupportsWebAuthn()) {
    showError(form.dataset.msgUnsupported);
    return;
  }
  try {
    const { options } = await postJson(`/interaction/${uid}/signup/passkey/options`, { name: form.elements.name.value }, csrf);
    const response = await startRegistration({ optionsJSON: options });
    const { redirectTo } = await postJson(`/interaction/${uid}/signup/passkey/verify`, { response }, csrf);
    window.location.assign(redirectTo);
  } catch (error) {
    showError(messageFor(error, form));
  }
});
