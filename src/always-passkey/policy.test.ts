// Which partner services an always-passkey account may not use: those registered with
// "tobira_password_dependent": true, because they need the password the account no longer has.
import assert from 'node:assert/strict';
import { clientDirectory, isPasswordDependent, PASSWORD_DEPENDENT } from './policy.ts';

describe('always-passkey client policy', () => {
  it('a client is password-dependent only when its registration says true, as a JSON boolean', () => {
    assert.equal(PASSWORD_DEPENDENT, 'tobira_password_dependent');
    assert.equal(isPasswordDependent({ tobira_password_dependent: true }), true);
    for (const value of [false, 'true', 1, null, undefined, {}]) {
      assert.equal(isPasswordDependent({ tobira_password_dependent: value }), false, JSON.stringify(value));
    }
    assert.equal(isPasswordDependent({}), false);
    assert.equal(isPasswordDependent(undefined), false);
  });

  describe('the directory of configured partner services', () => {
    const directory = clientDirectory([
      { client_id: 'widget-app', client_name: 'Widget App', tobira_password_dependent: true },
      { client_id: 'shop', client_name: 'Partner Shop' },
      { client_id: 'nameless', client_name: '' },
      { client_id: 'odd-name', client_name: 42 },
    ]);

    it('tells the password-dependent clients by id; an unknown client is not one', () => {
      assert.equal(directory.isPasswordDependent('widget-app'), true);
      assert.equal(directory.isPasswordDependent('shop'), false);
      assert.equal(directory.isPasswordDependent('no-such-client'), false);
    });

    it('names a client by its client_name, else by its id', () => {
      assert.equal(directory.name('widget-app'), 'Widget App');
      assert.equal(directory.name('nameless'), 'nameless');
      assert.equal(directory.name('odd-name'), 'odd-name');
      assert.equal(directory.name('no-such-client'), 'no-such-client');
    });
  });
});
