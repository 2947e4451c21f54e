// The account menu's passkey page: add a passkey (passkey-signals.js keeps the user's passkey
// manager in step with tobira).
import { browserSupportsWebAuthn, messageFor, postJson, showError, startRegistration } from './webauthn.js';
// The page's one script: the signals of views/partials/passkey-signals.ejs come with it.
import './passkey-signals.js';

const root = document.getElementById('passkeys');
const { csrf } = root.dataset;

const addButton = document.getElementById('add-passkey');
addButton.disabled = false;
addButton.addEventListener('click', async () => {
  showError('');
  if (!browserSupportsWebAuthn()) {
    showError(root.dataset.msgUnsupported);
    return;
  }
  try {
    const { options } = await postJson('/account/passkeys/options', {}, csrf);
    const response = await startRegistration({ optionsJSON: options });
    await postJson('/account/passkeys/verify', { response }, csrf);
    window.location.assign('/account/passkeys?notice=added');
  } catch (error) {
    // Not signed in recently enough (at the account's strength): sign in again, then add it.
    if (error && (error.code === 'reauthentication_required' || error.code === 'passkey_reauthentication_required')) {
      window.location.assign('/account/passkeys/add');
      return;
    }
    showError(messageFor(error, root));
  }
});
