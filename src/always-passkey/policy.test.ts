// The one always-passkey decision about partner services: refusesClient, and the directory of
// configured clients it is asked with.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientDirectory } from '../clients/client-directory.ts';
import { PASSWORD_DEPENDENT, refusesClient } from './policy.ts';

const WIDGET = { client_id: 'widget', client_name: 'Weather Widget', [PASSWORD_DEPENDENT]: true };
const SHOP = { client_id: 'shop', client_name: 'Partner Shop' };

describe('always-passkey policy (unit)', () => {
  const on = { alwaysPasskey: true };
  const off = { alwaysPasskey: false };

  it('refuses a password-dependent client for an always-passkey account only', () => {
    assert.equal(refusesClient(on, WIDGET), true);
    assert.equal(refusesClient(off, WIDGET), false);
    assert.equal(refusesClient(on, SHOP), false);
    assert.equal(refusesClient(off, SHOP), false);
  });

  it('takes only the boolean true as the mark, and refuses no unknown client', () => {
    for (const mark of ['true', 1, null, false]) assert.equal(refusesClient(on, { client_id: 'x', [PASSWORD_DEPENDENT]: mark }), false, String(mark));
    assert.equal(refusesClient(on, undefined), false);
  });

  it('reads registrations and names from the configured clients', () => {
    const clients = clientDirectory([WIDGET, SHOP, { client_id: 'nameless' }, { client_id: 'blank', client_name: '' }]);
    assert.equal(refusesClient(on, clients.registration('widget')), true);
    assert.equal(refusesClient(on, clients.registration('shop')), false);
    assert.equal(clients.registration('unknown'), undefined);
    assert.deepEqual(['widget', 'shop', 'nameless', 'blank', 'unknown'].map((id) => clients.name(id)), ['Weather Widget', 'Partner Shop', 'nameless', 'blank', 'unknown']);
  });

  it('is the one place that reads the mark (the provider only declares it as client metadata)', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const readers: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8');
          if (/PASSWORD_DEPENDENT\b|tobira_password_dependent/.test(text)) readers.push(relative(src, path));
        }
      }
    };
    walk(src);
    assert.deepEqual(readers.sort(), ['always-passkey/policy.ts', 'oidc/provider.ts']);
  });
});
