// Keeps the user's passkey manager in step with tobira through the WebAuthn Signal API, where the
// browser has it: the passkey just deleted is gone, the account's other passkeys (its phones' too)
// stay, and the names are the account's.
// Part of the bundle of every page that shows views/partials/passkey-signals.ejs; does nothing elsewhere.
const root = document.getElementById('passkey-signals');
if (root) sendSignals(root);

function sendSignals(root) {
  const { rpId, userId, deleted } = root.dataset;
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
}
