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
const alwaysPasskeyNote = document.getElementById('always-passkey-note');
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
    // An always-passkey account has no password: say so instead of a password field.
    if (alwaysPasskeyNote) alwaysPasskeyNote.hidden = !answer.alwaysPasskey;
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

// "Notify my phone": ask the account's phones, show the number to match, and wait for the answer
// (server-sent events, or polling where EventSource fails). While waiting, the waiting panel with
// the number is the page: the other ways are hidden, a countdown shows the request's lifetime, and
// "use another way" stops waiting and brings them back.
const pushButton = document.getElementById('push-button');
const pushWait = document.getElementById('push-wait');
if (pushButton && pushWait) {
  const status = document.getElementById('push-status');
  const numberLabel = document.getElementById('push-number-label');
  const numberBox = document.getElementById('push-number');
  const retry = document.getElementById('push-retry');
  const countdown = document.getElementById('push-countdown');
  const otherWay = document.getElementById('push-other-way');
  const ways = document.getElementById('sign-in-ways');
  const say = (text) => { status.textContent = text; };
  /** The wait under way: its approval, its event stream or poll timer, its countdown. */
  let current = null;

  function stopWaiting() {
    if (!current) return;
    if (current.events) current.events.close();
    clearInterval(current.poll);
    clearInterval(current.tick);
    current = null;
  }

  function showWays() {
    stopWaiting();
    pushWait.hidden = true;
    ways.hidden = false;
    email.focus();
  }

  function stopCountdown() {
    if (current) clearInterval(current.tick);
    countdown.hidden = true;
  }

  function startCountdown(seconds) {
    const endsAt = Date.now() + seconds * 1000;
    const show = () => {
      const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
      countdown.textContent = pushWait.dataset.msgCountdown.replace('{time}', time);
      if (left === 0 && current) settle(current.approvalId, 'expired');
    };
    countdown.hidden = false;
    show();
    current.tick = setInterval(show, 1000);
  }

  async function finishPush(approvalId) {
    say(pushWait.dataset.msgApproved);
    const { redirectTo } = await postJson(`${base}/push/${approvalId}/complete`, {}, csrf);
    window.location.assign(redirectTo);
  }

  function settle(approvalId, value) {
    if (!current || current.approvalId !== approvalId) return true; // given up ("use another way")
    if (value === 'approved') {
      stopCountdown();
      finishPush(approvalId).catch((error) => showError(messageFor(error, root)));
      return true;
    }
    if (value === 'pending') return false;
    stopWaiting();
    countdown.hidden = true;
    say(value === 'expired' ? pushWait.dataset.msgExpired : pushWait.dataset.msgDenied);
    numberBox.hidden = true;
    numberLabel.hidden = true;
    retry.hidden = false;
    return true;
  }

  function poll(approvalId) {
    current.poll = setInterval(async () => {
      const res = await fetch(`${base}/push/${approvalId}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const body = await res.json().catch(() => ({}));
      settle(approvalId, body.status || 'expired');
    }, 2000);
  }

  function wait(approvalId) {
    if (!window.EventSource) {
      poll(approvalId);
      return;
    }
    const events = new EventSource(`${base}/push/${approvalId}/events`);
    current.events = events;
    let done = false;
    events.addEventListener('status', (event) => {
      if (settle(approvalId, JSON.parse(event.data).status)) {
        done = true;
        events.close();
      }
    });
    events.onerror = () => {
      events.close();
      if (!done && current && current.approvalId === approvalId) poll(approvalId);
    };
  }

  async function notify() {
    showError('');
    if (!email.value) {
      showError(pushWait.dataset.msgNeedEmail);
      return;
    }
    stopWaiting();
    retry.hidden = true;
    pushButton.disabled = true;
    try {
      const started = await postJson(`${base}/push`, { email: email.value }, csrf);
      pushWait.hidden = false;
      // Without a phone there is nothing to wait for: the other ways stay in view.
      ways.hidden = started.kind !== 'no_phone';
      if (started.kind === 'no_phone') {
        say(pushWait.dataset.msgNoPhone);
        numberBox.hidden = true;
        numberLabel.hidden = true;
        countdown.hidden = true;
        return;
      }
      current = { approvalId: started.approvalId, events: null, poll: 0, tick: 0 };
      say(pushWait.dataset.msgSent);
      numberLabel.hidden = false;
      numberLabel.textContent = started.matching === 'none' ? pushWait.dataset.msgNoNumber
        : started.matching === 'type' ? pushWait.dataset.msgNumberType : pushWait.dataset.msgNumber;
      numberBox.hidden = started.matching === 'none';
      numberBox.textContent = started.number;
      startCountdown(started.expiresInSeconds);
      wait(started.approvalId);
      pushWait.scrollIntoView({ block: 'start' });
    } catch (error) {
      showError(messageFor(error, root));
    } finally {
      pushButton.disabled = false;
    }
  }

  pushButton.addEventListener('click', notify);
  retry.addEventListener('click', notify);
  otherWay.addEventListener('click', showWays);
  pushButton.disabled = false;
}
