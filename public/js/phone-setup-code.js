// The phone's code page. The QR code's link carries the code after '#', which the browser never
// sends: fill it in, take it out of the address bar (history, screenshots), and leave the one tap
// to the user, so nothing is used up by merely opening the link.
const input = document.getElementById('code');
function codeFromLink() {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return '';
  }
}
const fromLink = codeFromLink();
if (fromLink) {
  input.value = fromLink;
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  document.getElementById('handoff-continue').focus();
}

// The language switch is a query-only link, which drops the fragment: carry the code (from the
// link or typed) across in the new address's fragment, where this script picks it up again.
for (const link of document.querySelectorAll('a.lang')) {
  link.addEventListener('click', () => {
    const code = input.value.trim();
    const target = new URL(link.getAttribute('href'), window.location.href);
    target.hash = code ? encodeURIComponent(code) : '';
    link.setAttribute('href', target.pathname + target.search + target.hash);
  });
}
