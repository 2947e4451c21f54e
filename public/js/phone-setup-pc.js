// The PC's side of phone setup: asks every 2 s how far the phone is and says so; once the phone
// is ready (or the code can no longer be used) the code is taken off the screen.
const root = document.getElementById('handoff');
const status = document.getElementById('handoff-status');
const codeBox = document.getElementById('handoff-code-box');
const again = document.getElementById('handoff-again');
const { id } = root.dataset;
let timer;

function show(state, deviceName) {
  if (state === 'claimed') {
    status.textContent = root.dataset.msgClaimed;
    return;
  }
  if (state === 'completed') {
    clearInterval(timer);
    codeBox.hidden = true;
    status.textContent = root.dataset.msgCompleted.replace('{name}', deviceName || '');
    status.dataset.state = 'completed';
    return;
  }
  if (state === 'refused') {
    clearInterval(timer);
    codeBox.hidden = true;
    status.textContent = root.dataset.msgRefused;
    status.dataset.state = 'refused';
    again.hidden = false;
    return;
  }
  if (state === 'expired') {
    clearInterval(timer);
    codeBox.hidden = true;
    status.textContent = root.dataset.msgExpired;
    status.dataset.state = 'expired';
    again.hidden = false;
  }
}

async function check() {
  try {
    const res = await fetch(`/account/phone-setup/${encodeURIComponent(id)}/status`, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    // Signed out meanwhile: the code died with the session.
    if (!res.ok) {
      show('expired');
      return;
    }
    const body = await res.json();
    show(body.state, body.deviceName);
  } catch {
    // Offline for a moment: the next tick asks again.
  }
}

timer = setInterval(check, 2000);
