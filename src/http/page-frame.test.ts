import assert from 'node:assert/strict';
import { fieldAttributes, fieldIsInvalid } from './field-errors.ts';
import { safeImageUrl } from './page-chrome.ts';

describe('page frame helpers', () => {
  it('shows a partner logo only when https: or on tobira', () => {
    const origin = 'http://127.0.0.1:3000';
    assert.equal(safeImageUrl('https://partner.example/logo.png', origin), 'https://partner.example/logo.png');
    assert.equal(safeImageUrl('/static/favicon.svg', origin), '/static/favicon.svg');
    assert.equal(safeImageUrl('http://127.0.0.1:3000/static/favicon.svg', origin), 'http://127.0.0.1:3000/static/favicon.svg');
    for (const bad of ['http://partner.example/logo.png', '//partner.example/logo.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', '', undefined, 42, `https://x.example/${'a'.repeat(3000)}`]) {
      assert.equal(safeImageUrl(bad, origin), null, String(bad).slice(0, 40));
    }
  });

  it('ties a refusal to the fields it is about, and a field-level refusal to its field only', () => {
    assert.equal(fieldAttributes('weak_password', undefined, 'password', 'password-hint'), ' aria-invalid="true" aria-describedby="password-hint form-error"');
    assert.equal(fieldAttributes('weak_password', undefined, 'name'), '');
    assert.equal(fieldAttributes(undefined, undefined, 'password', 'password-hint'), ' aria-describedby="password-hint"');
    assert.ok(fieldIsInvalid('invalid_input', 'email', 'email'));
    assert.ok(!fieldIsInvalid('invalid_input', 'email', 'password'));
    assert.ok(fieldIsInvalid('invalid_credentials', undefined, 'email') && fieldIsInvalid('invalid_credentials', undefined, 'password'));
    assert.ok(!fieldIsInvalid('sign_in_throttled', undefined, 'email'), 'a refusal of the whole form marks no field');
    // Only plain ids are ever written into the attribute.
    assert.equal(fieldAttributes(undefined, undefined, 'x', '"><script>'), '');
  });
});
