// What a process loads at start is what every process pays for in memory, whether or not it ever
// serves the page that needs it: these packages are loaded on first use only (each costs several
// MB of RSS: the mongo driver, mail, Web Push, QR codes, GeoIP, argon2, phone number metadata).
import assert from 'node:assert/strict';
import { measureStart } from '../support/startup.ts';

const ON_FIRST_USE = ['mongoose', 'mongodb', 'nodemailer', 'web-push', 'qrcode', 'maxmind', 'argon2', 'libphonenumber-js'];

describe('what a tobira process loads at start', function () {
  this.timeout(60_000);

  it('builds the app on the memory store without loading the packages only some pages need', () => {
    const started = measureStart([], true);
    assert.ok(started.loaded.includes('oidc-provider'), `the hook saw the packages loaded: ${started.loaded.join(', ')}`);
    assert.deepEqual(ON_FIRST_USE.filter((name) => started.loaded.includes(name)), []);
  });
});
