// Approving a sign-in on the phone: the number the user picked (or typed) goes first; the right
// one gets a passkey assertion bound to this request and number, made with biometrics or screen lock.
import { messageFor, postJson, showError, startAuthentication } from './webauthn.js';

const root = document.getElementById('approve');
const { id, csrf } = root.dataset;
const buttons = [...root.querySelectorAll('button')];
const result = document.getElementById('approve-result');

function finished(text) {
  for (const button of buttons) button.disabled = true;
  const typed = document.getElementById('typed-number');
  if (typed) typed.disabled = true;
  result.textContent = text;
  result.hidden = false;
}

async function approve(number) {
  showError('');
  try {
    const { options } = await postJson(`/device/api/approvals/${id}/options`, { number }, csrf);
    const response = await startAuthentication({ optionsJSON: options });
    await postJson(`/device/api/approvals/${id}/approve`, { number, response }, csrf);
    finished(root.dataset.msgApproved);
  } catch (error) {
    showError(messageFor(error, root));
    if (error && (error.code === 'wrong_number' || error.code === 'approval_decided')) finished('');
  }
}

async function deny(report) {
  showError('');
  try {
    await postJson(`/device/api/approvals/${id}/deny`, { report }, csrf);
    finished(report ? root.dataset.msgReported : root.dataset.msgDenied);
  } catch (error) {
    showError(messageFor(error, root));
  }
}

for (const choice of root.querySelectorAll('button.choice')) {
  choice.addEventListener('click', () => approve(choice.dataset.number));
}
const approveButton = document.getElementById('approve-button');
if (approveButton) {
  approveButton.addEventListener('click', () => {
    const typed = document.getElementById('typed-number');
    approve(typed ? typed.value.trim() : '');
  });
}
document.getElementById('deny-button').addEventListener('click', () => deny(false));
document.getElementById('report-button').addEventListener('click', () => deny(true));

// A request that is no longer waiting (withdrawn on the asking screen, expired, or answered
// elsewhere) is shown so, with nothing to press: when the page opens, and while it stays open.
let over = false;
function noLongerWaiting(status) {
  if (over || status === 'pending') return;
  over = true;
  clearInterval(watch);
  finished(status === 'withdrawn' ? root.dataset.msgWithdrawn : root.dataset.msgGone);
}
const watch = setInterval(async () => {
  if (over || !buttons.some((b) => !b.disabled)) return;
  const res = await fetch(`/device/api/approvals/${id}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).catch(() => null);
  const body = res && res.ok ? await res.json().catch(() => ({})) : {};
  if (body.status) noLongerWaiting(body.status);
}, 2000);
if (root.dataset.status !== 'pending') noLongerWaiting(root.dataset.status);
else for (const button of buttons) button.disabled = false;
