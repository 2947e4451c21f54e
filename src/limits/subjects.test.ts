// Counter subjects: e-mail addresses normalised and hashed, sources by IPv4 address or IPv6 /64,
// and no source at all for loopback (a proxy tobira does not trust, or a test).
import assert from 'node:assert/strict';
import { addressSubject, sourceSubject } from './subjects.ts';

describe('limit subjects', () => {
  it('hashes an e-mail address as typed, normalised: case and spaces do not matter, the address is not in it', () => {
    assert.equal(addressSubject('  Mina@Example.COM '), addressSubject('mina@example.com'));
    assert.notEqual(addressSubject('mina@example.com'), addressSubject('ken@example.com'));
    assert.doesNotMatch(addressSubject('mina@example.com'), /mina|example/);
  });

  it('counts an IPv6 address by its /64, however it is written, and an IPv4-mapped one as IPv4', () => {
    const host = sourceSubject('2001:db8:1:2::1');
    assert.equal(sourceSubject('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), host);
    assert.equal(sourceSubject('2001:DB8:1:2:0:0:0:abcd'), host);
    assert.notEqual(sourceSubject('2001:db8:1:3::1'), host);
    assert.equal(sourceSubject('::ffff:203.0.113.5'), sourceSubject('203.0.113.5'));
    assert.notEqual(sourceSubject('203.0.113.5'), sourceSubject('203.0.113.6'));
  });

  it('has no source for loopback, and one for anything else, even unreadable', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.equal(sourceSubject(ip), undefined, ip);
    assert.ok(sourceSubject('10.0.0.1'));
    assert.ok(sourceSubject(''));
    assert.ok(sourceSubject(null));
    assert.equal(sourceSubject(null), sourceSubject(''));
  });
});
