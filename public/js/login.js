// The sign-in page: usernameless passkey button, passkey autofill on the e-mail field
// (conditional mediation), and identifier-first (the account's passkeys, and its password only
// if it still has one).
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, messageFor, postJson, showError, startAuthentication } from './webauthn.js';

const root = document.getElementById('passkey-login');
const { uid, csrf } = root.dataset;
const base = `/interaction/${uid}`;
const email = document.getElementById('email');
const nextButton = document.getElementById('next-button');
const accountPasskeyButton = document.getElementById('account-passkey-button');
const passwordRow = document.getElementById('password-row');
let identified = null;

async function options(emailValue) {
  return postJson(`${base}/passkey/options`, emailValue ? { email: emailValue } : {}, csrf);
}

async function finish(optionsJSON, useBrowserAutofill) {
  const response = await startAuthentication({ optionsJSON, useBrowserAutofill });
  try {
    const { redirectTo } = await postJson(`${base}/passkey/verify`, { response }, csrf);
    window.location.assign(redirectTo);
  } catch (error) {
    // The passkey manager still offers a credential tobira no longer knows: tell it (Signal API).
    if (error.code === 'unknown_passkey' && window.PublicKeyCredential && PublicKeyCredential.signalUnknownCredential) {
      PublicKeyCredential.signalUnknownCredential({ rpId: optionsJSON.rpId, credentialId: response.id }).catch(() => {});
    }
    throw error;
  }
}

async function run(task) {
  showError('');
  try {
    await task();
  } catch (error) {
    if (error && error.name === 'AbortError') return; // replaced by another ceremony
    showError(messageFor(error, root));
  }
}

const passkeyButton = document.getElementById('passkey-button');
if (!browserSupportsWebAuthn()) {
  showError(root.dataset.msgUnsupported);
} else {
  passkeyButton.disabled = false;
  passkeyButton.addEventListener('click', () => run(async () => {
    const { options: optionsJSON } = await options();
    await finish(optionsJSON, false);
  }));

  // Identifier-first: the e-mail decides which passkeys are offered and whether a password is.
  if (passwordRow && root.dataset.keepPassword !== 'true') passwordRow.hidden = true;
  nextButton.hidden = false;
  const identify = () => run(async () => {
    if (!email.value) return;
    const answer = await options(email.value);
    identified = answer.options;
    nextButton.hidden = true;
    accountPasskeyButton.hidden = false;
    if (passwordRow) passwordRow.hidden = !answer.password;
    await finish(identified, false);
  });
  nextButton.addEventListener('click', identify);
  email.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !nextButton.hidden) {
      event.preventDefault();
      identify();
    }
  });
  accountPasskeyButton.addEventListener('click', () => run(async () => {
    const answer = await options(email.value);
    await finish(answer.options, false);
  }));

  browserSupportsWebAuthnAutofill().then((supported) => {
    if (!supported) return;
    run(async () => {
      const { options: optionsJSON } = await options();
      await finish(optionsJSON, true);
    });
  });
}
