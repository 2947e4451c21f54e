// The phone's companion app: set this phone up (a passkey on it plus a Web Push subscription), or,
// once set up, keep the subscription fresh and list the sign-in requests waiting for it.
import { browserSupportsWebAuthn, messageFor, postJson, showError, startAuthentication, startRegistration } from './webauthn.js';

const root = document.getElementById('device');
const { csrf, vapidPublicKey, deviceId } = root.dataset;

function urlBase64ToUint8Array(base64) {
  const padded = (base64 + '='.repeat((4 - (base64.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function subscribe() {
  const registration = await navigator.serviceWorker.register('/device/sw.js', { scope: '/device' });
  await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: urlBase64ToUint8Array(vapidPublicKey) });
  return subscription.toJSON();
}

async function setUp(event) {
  event.preventDefault();
  showError('');
  const help = document.getElementById('notification-help');
  help.hidden = true;
  if (!browserSupportsWebAuthn()) {
    showError(root.dataset.msgUnsupported);
    return;
  }
  try {
    // Without notifications the phone cannot be asked to approve anything: no setup.
    const permission = 'Notification' in window ? await Notification.requestPermission() : 'denied';
    if (permission !== 'granted' || !('serviceWorker' in navigator)) {
      help.hidden = false;
      return;
    }
    const subscription = await subscribe();
    const name = document.getElementById('device-name').value;
    if (root.dataset.enrolled === 'true') {
      // This phone registered its passkey with the enrolment link and signed in with it moments
      // ago: that is the proof, no third biometric prompt. If it no longer counts, the page is
      // reloaded and offers the usual ceremony.
      try {
        await postJson('/device/api/setup', { name, subscription, enrolled: true }, csrf);
        window.location.assign('/device');
        return;
      } catch (error) {
        if (!error || error.code !== 'enrolled_passkey_unusable') throw error;
        root.dataset.enrolled = 'false';
      }
    }
    const { options } = await postJson('/device/api/setup/options', {}, csrf);
    let response;
    let existing = false;
    try {
      response = await startRegistration({ optionsJSON: options });
    } catch (error) {
      // The phone already holds a passkey of this account and will not make another: prove that one.
      if (!error || error.name !== 'InvalidStateError') throw error;
      existing = true;
      const again = await postJson('/device/api/setup/options', { existing }, csrf);
      response = await startAuthentication({ optionsJSON: again.options });
    }
    await postJson('/device/api/setup', { name, subscription, response, existing }, csrf);
    window.location.assign('/device');
  } catch (error) {
    // Not signed in recently enough (at the account's strength): sign in again, then set up.
    if (error && (error.code === 'reauthentication_required' || error.code === 'passkey_reauthentication_required')) {
      window.location.assign('/device/confirm');
      return;
    }
    if (error && error.code === 'notifications_required') help.hidden = false;
    showError(messageFor(error, root));
  }
}

async function refresh() {
  const list = document.getElementById('approvals');
  const res = await fetch('/device/api/approvals', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!res.ok) return;
  const { approvals } = await res.json();
  list.replaceChildren(...approvals.map((approval) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `/device/approve/${approval.id}`;
    link.className = 'button primary';
    link.textContent = `${root.dataset.msgOpen}: ${approval.context.client} (${approval.context.browser})`;
    item.append(link);
    return item;
  }));
  if (approvals.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'muted';
    empty.textContent = root.dataset.msgNoRequests;
    list.append(empty);
  }
}

if (deviceId) {
  // Browsers rotate push subscriptions; keep tobira's copy current whenever the app opens.
  if ('serviceWorker' in navigator && 'Notification' in window && Notification.permission === 'granted') {
    subscribe().then((subscription) => postJson('/device/api/subscription', { subscription }, csrf)).catch(() => {});
  }
  refresh();
  setInterval(refresh, 3000);
} else {
  document.getElementById('setup-form').addEventListener('submit', setUp);
  document.getElementById('setup-button').disabled = false;
}
