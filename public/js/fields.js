// Part of every page's script (src/http/page-assets.ts puts it in each bundle): the password
// fields' show/hide toggle and the new-password hint of views/partials/password-extras.ejs.
// The hint is deliberately simple (length and kinds of characters, the policy's words): zxcvbn's
// dictionaries stay on the server, whose password policy is the only judge.

for (const button of document.querySelectorAll('button[data-reveal]')) {
  const input = document.getElementById(button.dataset.reveal);
  if (!input) continue;
  button.hidden = false;
  button.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    button.setAttribute('aria-pressed', String(shown));
    button.textContent = shown ? button.dataset.hide : button.dataset.show;
  });
  // A password never leaves the page readable: hidden again before the form is sent (some
  // browsers would otherwise offer to remember a "text" field).
  input.form?.addEventListener('submit', () => {
    input.type = 'password';
    button.setAttribute('aria-pressed', 'false');
    button.textContent = button.dataset.show;
  });
}

/** How many kinds of characters: lower case, upper case, digits, anything else (symbols, kana, kanji). */
function kindsOf(value) {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{Ll}\p{Lu}\p{N}]/u].filter((kind) => kind.test(value)).length;
}

for (const hint of document.querySelectorAll('[data-password-hint]')) {
  const input = document.getElementById(hint.dataset.passwordHint);
  const live = hint.querySelector('.hint-live');
  if (!input || !live) continue;
  const min = Number(hint.dataset.min);
  const update = () => {
    // UTF-16 units, as the server counts (accounts/password-policy.ts).
    const length = input.value.length;
    let state = '';
    let text = '';
    if (length > 0 && length < min) {
      state = 'short';
      text = hint.dataset.short.replace('{count}', String(min - length));
    } else if (length > 0 && kindsOf(input.value) < 2 && length < min + 8) {
      state = 'simple';
      text = hint.dataset.simple;
    } else if (length > 0) {
      state = 'ok';
      text = hint.dataset.ok;
    }
    hint.dataset.state = state;
    if (live.textContent !== text) live.textContent = text;
  };
  input.addEventListener('input', update);
  update();
}
