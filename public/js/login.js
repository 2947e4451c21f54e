// The sign-in page: usernameless passkey button, passkey autofill on the e-mail field
// (conditional mediation), and identifier-first: after the e-mail, one main way to sign in and the
// others folded under "other ways to sign in". Which way is the main one is the server's rule
// (src/interactions/sign-in-plan.ts), from what this browser says about itself and, only for the
// account this browser is already linked to, what that account has.
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, messageFor, postJson, showError, startAuthentication } from './webauthn.js';

const root = document.getElementById('passkey-login');
const { uid, csrf } = root.dataset;
const base = `/interaction/${uid}`;
const email = document.getElementById('email');
const nextButton = document.getElementById('next-button');
const accountPasskeyButton = document.getElementById('account-passkey-button');
const alwaysPasskeyNote = document.getElementById('always-passkey-note');
const primarySlot = document.getElementById('primary-way');
const otherWays = document.getElementById('other-ways');
const otherList = document.getElementById('other-ways-list');
/** Each way's block and its button, by the plan's names; absent ways (phr, typed push) are null. */
const WAYS = {
  passkey: { block: document.getElementById('way-passkey'), button: accountPasskeyButton },
  push: { block: document.getElementById('way-push'), button: document.getElementById('push-button') },
  password: { block: document.getElementById('password-row'), button: document.getElementById('password-submit') },
};
/** Set by the "Notify my phone" part below: starts a notification. */
let startPush = null;

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

/** What this browser can tell about itself: the same whatever address is typed in it. */
async function browserSignals() {
  const webauthn = browserSupportsWebAuthn();
  let platformAuthenticator = false;
  if (webauthn && PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable) {
    platformAuthenticator = await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().catch(() => false);
  }
  const mobile = Boolean(navigator.userAgentData && navigator.userAgentData.mobile) || /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent);
  return { webauthn, platformAuthenticator, mobile };
}

/** Before an e-mail is given (or after it is changed): the e-mail and "Next", no way yet. */
function showEmailStep() {
  delete root.dataset.primary;
  for (const way of Object.values(WAYS)) if (way.block) way.block.hidden = true;
  if (alwaysPasskeyNote) alwaysPasskeyNote.hidden = true;
  nextButton.hidden = false;
}

/** The plan: its main way under the e-mail, the others (in order) under "other ways". */
function showPlan(plan) {
  nextButton.hidden = true;
  // For tests and styles: which way leads, and whether it starts by itself.
  root.dataset.primary = plan.primary;
  root.dataset.startAtOnce = String(plan.startAtOnce);
  for (const [name, way] of Object.entries(WAYS)) {
    if (!way.block) continue;
    const place = name === plan.primary ? 0 : plan.others.indexOf(name);
    way.block.hidden = place < 0;
    way.block.dataset.place = name === plan.primary ? 'primary' : place < 0 ? 'none' : 'other';
    way.button.classList.toggle('primary', name === plan.primary);
    way.button.classList.toggle('secondary', name !== plan.primary);
  }
  if (WAYS[plan.primary].block) primarySlot.append(WAYS[plan.primary].block);
  for (const name of plan.others) if (WAYS[name].block) otherList.append(WAYS[name].block);
  otherWays.open = false;
  if (alwaysPasskeyNote) alwaysPasskeyNote.hidden = !plan.alwaysPasskey;
  if (plan.primary === 'password') document.getElementById('password').focus();
  else WAYS[plan.primary].button.focus();
}

/**
 * "Next": the plan for the typed address. `startAtOnce` (the linked account's own passkey, or its
 * phone when it is always passkey) is followed only when the user pressed Next, never on load.
 */
async function identify(pressed) {
  if (!email.value) return;
  const plan = await postJson(`${base}/ways`, { email: email.value, browser: await browserSignals() }, csrf);
  showPlan(plan);
  // Back after a refused password: the password stays in view, wherever the plan put it.
  if (!pressed && root.dataset.keepPassword === 'true' && plan.others.includes('password')) otherWays.open = true;
  if (!pressed || !plan.startAtOnce) return;
  if (plan.primary === 'passkey') accountPasskeyButton.click();
  else if (plan.primary === 'push' && startPush) startPush();
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

// Identifier-first (also without WebAuthn: the plan then leaves passkeys out).
showEmailStep();
nextButton.addEventListener('click', () => run(() => identify(true)));
email.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !nextButton.hidden) {
    event.preventDefault();
    run(() => identify(true));
  }
});
// A changed address is a new question: back to "Next".
email.addEventListener('input', () => { if (nextButton.hidden) showEmailStep(); });
// Back on the page after a refused password, or asked to confirm a named account: the plan at once.
if (email.defaultValue) run(() => identify(false));

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
    // The phone's request is withdrawn: a phone that opens it says so instead of asking.
    if (current) postJson(`${base}/push/${current.approvalId}/withdraw`, {}, csrf).catch(() => {});
    stopWaiting();
    pushWait.hidden = true;
    ways.hidden = false;
    email.focus();
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
      // Waiting ends here: a poll still running would complete the sign-in a second time.
      stopWaiting();
      countdown.hidden = true;
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
      ways.hidden = true;
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
  startPush = notify;
  retry.addEventListener('click', notify);
  otherWay.addEventListener('click', showWays);
  pushButton.disabled = false;
}
