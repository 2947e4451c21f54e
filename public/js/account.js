// The account menu's passkey list: add a passkey, and keep the user's passkey manager in step
// with tobira through the WebAuthn Signal API where the browser has it.
import { browserSupportsWebAuthn, messageFor, postJson, showError, startRegistration } from './webauthn.js';

const root = document.getElementById('passkeys');
const { csrf, rpId, userId, deleted } = root.dataset;
const credentialIds = JSON.parse(root.dataset.credentialIds);

const signal = window.PublicKeyCredential || {};
if (deleted && signal.signalUnknownCredential) {
  signal.signalUnknownCredential({ rpId, credentialId: deleted }).catch(() => {});
}
if (signal.signalAllAcceptedCredentials) {
  signal.signalAllAcceptedCredentials({ rpId, userId, allAcceptedCredentialIds: credentialIds }).catch(() => {});
}
if (signal.signalCurrentUserDetails) {
  signal.signalCurrentUserDetails({ rpId, userId, name: root.dataset.name, displayName: root.dataset.displayName }).catch(() => {});
}

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
    window.location.assign('/account?notice=added');
  } catch (error) {
    // Not signed in recently enough (at the account's strength): sign in again, then add it.
    if (error && (error.code === 'reauthentication_required' || error.code === 'passkey_reauthentication_required')) {
      window.location.assign('/account/passkeys/add');
      return;
    }
    showError(messageFor(error, root));
  }
});
