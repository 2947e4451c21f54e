// The phone's side of phone setup from a PC: notifications first (without them the phone cannot
// approve anything), then a passkey made on this phone; then sign in with it.
import { browserSupportsWebAuthn, messageFor, postJson, showError, startRegistration } from './webauthn.js';

const form = document.getElementById('setup-form');
const button = document.getElementById('setup-button');
const { csrf, vapidPublicKey } = form.dataset;

function urlBase64ToUint8Array(base64) {
  const padded = (base64 + '='.repeat((4 - (base64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function subscribe() {
  const registration = await navigator.serviceWorker.register('/device/sw.js', { scope: '/device' });
  // serviceWorker.ready waits for a worker controlling this page, and /p is outside the app's
  // scope: wait for this registration's own worker instead.
  const worker = registration.installing || registration.waiting;
  if (!registration.active && worker) {
    await new Promise((resolve) => {
      worker.addEventListener('statechange', () => {
        if (worker.state === 'activated' || worker.state === 'redundant') resolve();
      });
    });
  }
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(vapidPublicKey) });
  return subscription.toJSON();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const help = document.getElementById('notification-help');
  help.hidden = true;
  if (!browserSupportsWebAuthn()) {
    showError(form.dataset.msgUnsupported);
    return;
  }
  button.disabled = true;
  try {
    const permission = 'Notification' in window ? await Notification.requestPermission() : 'denied';
    if (permission !== 'granted' || !('serviceWorker' in navigator)) {
      help.hidden = false;
      return;
    }
    const subscription = await subscribe();
    const { options } = await postJson('/p/setup/options', {}, csrf);
    const response = await startRegistration({ optionsJSON: options });
    const { next } = await postJson('/p/setup', { name: document.getElementById('device-name').value, subscription, response }, csrf);
    const done = document.getElementById('setup-done');
    done.textContent = form.dataset.msgDone;
    done.hidden = false;
    form.hidden = true;
    window.location.assign(next);
  } catch (error) {
    if (error && error.code === 'notifications_required') help.hidden = false;
    showError(messageFor(error));
  } finally {
    button.disabled = false;
  }
});
button.disabled = false;
