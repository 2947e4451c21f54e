// Web Push end to end: tobira's VAPID keys and WebPushSender encrypt, sign and post real pushes to
// a loopback push service (https, test CA), which verifies the VAPID JWT and decrypts the body
// with the subscription's private keys.
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createECDH, randomBytes } from 'node:crypto';
import { getCACertificates } from 'node:tls';
import webpush from 'web-push';
import { ConfigError } from '../../src/config/config-error.ts';
import { checkVapidKeys, generateVapidKeys, loadVapidKeys, type VapidKeys } from '../../src/notify/vapid-keys.ts';
import { InvalidPushSubscriptionError, PushDeliveryError, PushEndpointNotAllowedError } from '../../src/notify/errors.ts';
import {
  DEFAULT_PUSH_ENDPOINT_HOSTS,
  isEndpointHostAllowed,
  validatePushSubscription,
  WebPushSender,
} from '../../src/notify/web-push-sender.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { PushSubscriptionRecord } from '../../src/store/types.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';

const SUBJECT = 'mailto:security@tobira.test';

describe('web push', () => {
  const receiver = new PushReceiver();
  let vapid: VapidKeys;
  let sender: WebPushSender;

  before(async () => {
    await receiver.start();
    vapid = await loadVapidKeys(createMemoryStore().secrets, null);
    sender = new WebPushSender({ vapid, subject: SUBJECT, allowedEndpointHosts: ['127.0.0.1'], ca: testTls().ca, timeoutMs: 5_000 });
  });

  after(async () => {
    sender.close();
    await receiver.stop();
  });

  describe('VAPID keys', () => {
    it('are generated once and kept in the store: a second call returns the same pair', async () => {
      const store = createMemoryStore();
      const first = await loadVapidKeys(store.secrets, null);
      assert.match(first.publicKey, /^[A-Za-z0-9_-]{87}$/);
      assert.match(first.privateKey, /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(await loadVapidKeys(store.secrets, null), first);
      assert.deepEqual(await store.secrets.get('vapid-keys'), first);
    });

    it('generated pairs are what web-push makes: well-formed, halves together, accepted by web-push (short scalars padded)', () => {
      // One private scalar in 256 has a leading zero byte; 2 000 pairs meet several.
      for (let i = 0; i < 2_000; i += 1) {
        const keys = generateVapidKeys();
        checkVapidKeys(keys);
        webpush.getVapidHeaders('https://push.example', SUBJECT, keys.publicKey, keys.privateKey, 'aes128gcm');
      }
    });

    it('concurrent first calls (several processes starting at once) all end up with one pair', async () => {
      const store = createMemoryStore();
      const all = await Promise.all(Array.from({ length: 8 }, () => loadVapidKeys(store.secrets, null)));
      for (const keys of all) assert.deepEqual(keys, all[0]);
      assert.deepEqual(await store.secrets.get('vapid-keys'), all[0]);
    });

    it('configured keys are used as they are and not stored', async () => {
      const store = createMemoryStore();
      const configured = webpush.generateVAPIDKeys();
      assert.deepEqual(await loadVapidKeys(store.secrets, configured), configured);
      assert.equal(await store.secrets.get('vapid-keys'), undefined);
    });

    it('configured keys that are malformed or do not belong together are refused', async () => {
      const store = createMemoryStore();
      const a = webpush.generateVAPIDKeys();
      const b = webpush.generateVAPIDKeys();
      await assert.rejects(loadVapidKeys(store.secrets, { publicKey: a.publicKey, privateKey: b.privateKey }), (err) => err instanceof ConfigError && err.setting === 'VAPID_PUBLIC_KEY');
      await assert.rejects(loadVapidKeys(store.secrets, { publicKey: 'nope', privateKey: a.privateKey }), (err) => err instanceof ConfigError && err.setting === 'VAPID_PUBLIC_KEY');
      await assert.rejects(loadVapidKeys(store.secrets, { publicKey: a.publicKey, privateKey: `${a.privateKey}AA` }), (err) => err instanceof ConfigError && err.setting === 'VAPID_PRIVATE_KEY');
    });
  });

  describe('sending', () => {
    it('delivers the encrypted payload with a verified VAPID signature, TTL, urgency and topic', async () => {
      const { token, subscription } = receiver.createSubscription();
      const payload = { type: 'approval', id: randomBytes(16).toString('base64url'), text: 'ログインしようとしていますか？', numbers: [12, 47, 83] };
      assert.equal(await sender.send(subscription, payload, { ttlSeconds: 120, urgency: 'high', topic: 'approval1' }), 'sent');
      const message = await receiver.waitFor((m) => m.token === token, 5_000);
      assert.deepEqual(message.payload, payload);
      assert.equal(message.ttl, 120);
      assert.equal(message.urgency, 'high');
      assert.equal(message.topic, 'approval1');
      assert.equal(message.vapid.publicKey, vapid.publicKey);
      assert.equal(message.vapid.subject, SUBJECT);
      assert.ok(message.vapid.expiresAt > Date.now() / 1000);
      assert.deepEqual(receiver.rejected, []);
    });

    it('defaults to normal urgency and no topic', async () => {
      const { token, subscription } = receiver.createSubscription();
      assert.equal(await sender.send(subscription, { hello: 'world' }, { ttlSeconds: 0 }), 'sent');
      const message = await receiver.waitFor((m) => m.token === token);
      assert.deepEqual(message.payload, { hello: 'world' });
      assert.equal(message.ttl, 0);
      assert.equal(message.urgency, 'normal');
      assert.equal(message.topic, null);
    });

    it('a subscription the push service no longer knows (410, 404) is reported gone', async () => {
      const { token, subscription } = receiver.createSubscription();
      receiver.gone(token);
      assert.equal(await sender.send(subscription, { n: 1 }, { ttlSeconds: 60 }), 'gone');
      assert.equal(await sender.send(subscription, { n: 2 }, { ttlSeconds: 60 }), 'gone');
      const unknown: PushSubscriptionRecord = { ...subscription, endpoint: `${receiver.origin}/push/never-subscribed` };
      assert.equal(await sender.send(unknown, { n: 3 }, { ttlSeconds: 60 }), 'gone');
      assert.equal(receiver.messages.filter((m) => m.token === token).length, 0);
    });

    it('other push service failures throw PushDeliveryError with the status', async () => {
      const { token, subscription } = receiver.createSubscription();
      receiver.failNext(token, 500);
      const err = await sender.send(subscription, { n: 1 }, { ttlSeconds: 60 }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof PushDeliveryError, String(err));
      assert.equal(err.code, 'push_delivery_failed');
      assert.equal(err.status, 502);
      assert.equal(err.pushStatus, 500);
      assert.ok(err.messages.ja.length > 0 && err.messages.en.length > 0);
      // The next attempt goes through.
      assert.equal(await sender.send(subscription, { n: 2 }, { ttlSeconds: 60 }), 'sent');
      assert.deepEqual((await receiver.waitFor((m) => m.token === token)).payload, { n: 2 });
    });

    it('a payload too big for one push message is refused before sending', async () => {
      const { token, subscription } = receiver.createSubscription();
      const err = await sender.send(subscription, { big: 'x'.repeat(4000) }, { ttlSeconds: 60 }).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof PushDeliveryError, String(err));
      assert.equal(err.pushStatus, null);
      assert.equal(receiver.rejected.filter((r) => r.token === token).length, 0);
    });

    it('a push service that never answers times out as PushDeliveryError', async () => {
      const sockets = new Set<Socket>();
      const silent: TcpServer = createTcpServer((socket) => { sockets.add(socket); });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as AddressInfo).port;
      const quick = new WebPushSender({ vapid, subject: SUBJECT, allowedEndpointHosts: ['127.0.0.1'], ca: testTls().ca, timeoutMs: 300 });
      try {
        const { subscription } = receiver.createSubscription();
        const started = Date.now();
        const err = await quick.send({ ...subscription, endpoint: `https://127.0.0.1:${port}/push/x` }, { n: 1 }, { ttlSeconds: 60 }).then(() => null, (e: unknown) => e);
        assert.ok(err instanceof PushDeliveryError, String(err));
        assert.equal(err.pushStatus, null);
        assert.ok(Date.now() - started < 3_000);
      } finally {
        quick.close();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });

    it('TLS is checked: without the test CA the receiver is not trusted (unless NODE_EXTRA_CA_CERTS holds it)', async () => {
      const plain = new WebPushSender({ vapid, subject: SUBJECT, allowedEndpointHosts: ['127.0.0.1'] });
      const { token, subscription } = receiver.createSubscription();
      const outcome = await plain.send(subscription, { n: 1 }, { ttlSeconds: 60 }).then((r) => r, (e: unknown) => e);
      const testCa = testTls().ca.trim();
      if (getCACertificates('default').some((pem) => pem.trim() === testCa)) {
        assert.equal(outcome, 'sent');
        assert.deepEqual((await receiver.waitFor((m) => m.token === token)).payload, { n: 1 });
      } else {
        assert.ok(outcome instanceof PushDeliveryError, String(outcome));
        assert.equal(outcome.pushStatus, null);
        assert.match(String((outcome.cause as Error).message), /certificate/i);
      }
    });

    it('a VAPID subject that is neither mailto: nor https: is refused at construction', () => {
      for (const subject of ['http://tobira.test', 'tobira.test', '']) {
        assert.throws(() => new WebPushSender({ vapid, subject, allowedEndpointHosts: ['127.0.0.1'] }), (err) => err instanceof ConfigError && err.setting === 'VAPID_SUBJECT');
      }
    });
  });

  describe('endpoint allowlist (SSRF guard)', () => {
    const refused = [
      'https://evil.example/push/abc',
      'http://127.0.0.1/push/abc',
      'https://127.0.0.1.evil.example/push/abc',
      'https://127.0.0.1@evil.example/push/abc',
      'https://user:pw@127.0.0.1/push/abc',
      'ftp://127.0.0.1/push/abc',
      'not a url',
    ];
    for (const endpoint of refused) {
      it(`refuses to send to ${endpoint} and nothing is posted`, async () => {
        const { subscription } = receiver.createSubscription();
        const before = receiver.messages.length + receiver.rejected.length;
        await assert.rejects(sender.send({ ...subscription, endpoint }, { n: 1 }, { ttlSeconds: 60 }), PushEndpointNotAllowedError);
        assert.equal(receiver.messages.length + receiver.rejected.length, before);
      });
    }

    it('the receiver itself is refused by a sender using the default list', async () => {
      const strict = new WebPushSender({ vapid, subject: SUBJECT, allowedEndpointHosts: DEFAULT_PUSH_ENDPOINT_HOSTS, ca: testTls().ca });
      const { token, subscription } = receiver.createSubscription();
      const err = await strict.send(subscription, { n: 1 }, { ttlSeconds: 60 }).then(() => null, (e: unknown) => e);
      strict.close();
      assert.ok(err instanceof PushEndpointNotAllowedError, String(err));
      assert.equal(err.code, 'push_endpoint_not_allowed');
      assert.equal(err.status, 400);
      assert.equal(receiver.rejected.filter((r) => r.token === token).length, 0);
      assert.equal(receiver.messages.filter((m) => m.token === token).length, 0);
    });

    it('matches exact hosts, host:port and *.suffix wildcards (strictly below the suffix)', () => {
      const allowed = (endpoint: string, hosts: readonly string[] = DEFAULT_PUSH_ENDPOINT_HOSTS): boolean => isEndpointHostAllowed(new URL(endpoint), hosts);
      assert.ok(allowed('https://fcm.googleapis.com/fcm/send/abc'));
      assert.ok(allowed('https://FCM.googleapis.com/fcm/send/abc'));
      assert.ok(allowed('https://updates.push.services.mozilla.com/wpush/v2/abc'));
      assert.ok(allowed('https://web.push.apple.com/QAbc'));
      assert.ok(allowed('https://api.push.apple.com/3/device/abc'));
      assert.ok(allowed('https://wns2-by3p.notify.windows.com/w/?token=abc'));
      assert.ok(!allowed('https://push.apple.com/abc'));
      assert.ok(!allowed('https://notify.windows.com/abc'));
      assert.ok(!allowed('https://evilnotify.windows.com/abc'));
      assert.ok(!allowed('https://fcm.googleapis.com.evil.example/abc'));
      assert.ok(!allowed('https://googleapis.com/abc'));
      assert.ok(allowed('https://127.0.0.1:8443/x', ['127.0.0.1:8443']));
      assert.ok(!allowed('https://127.0.0.1:9443/x', ['127.0.0.1:8443']));
      assert.ok(allowed('https://127.0.0.1:9443/x', ['127.0.0.1']));
    });
  });

  describe('validatePushSubscription', () => {
    const hosts = ['127.0.0.1'];

    it('accepts what a browser gives and keeps only endpoint and keys', () => {
      const { subscription } = receiver.createSubscription();
      assert.deepEqual(validatePushSubscription({ ...subscription, expirationTime: null }, hosts), subscription);
      assert.deepEqual(validatePushSubscription({ ...subscription, keys: { p256dh: `${subscription.keys.p256dh}=`, auth: `${subscription.keys.auth}==` } }, hosts), subscription);
    });

    it('refuses malformed subscriptions with InvalidPushSubscriptionError', () => {
      const { subscription } = receiver.createSubscription();
      const offCurve = Buffer.from(subscription.keys.p256dh, 'base64url');
      offCurve[64] = (offCurve[64] ?? 0) ^ 1;
      const compressed = createECDH('prime256v1');
      compressed.generateKeys();
      const malformed: unknown[] = [
        null,
        'https://127.0.0.1/push/abc',
        {},
        { endpoint: subscription.endpoint },
        { endpoint: subscription.endpoint, keys: {} },
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.keys.p256dh } },
        { endpoint: 42, keys: subscription.keys },
        { endpoint: 'not a url', keys: subscription.keys },
        { endpoint: `${receiver.origin}/push/${'a'.repeat(2048)}`, keys: subscription.keys },
        { endpoint: subscription.endpoint.replace('https:', 'http:'), keys: subscription.keys },
        { ...subscription, keys: { ...subscription.keys, p256dh: randomBytes(64).toString('base64url') } },
        { ...subscription, keys: { ...subscription.keys, p256dh: offCurve.toString('base64url') } },
        { ...subscription, keys: { ...subscription.keys, p256dh: compressed.getPublicKey('base64url', 'compressed') } },
        { ...subscription, keys: { ...subscription.keys, p256dh: `${subscription.keys.p256dh.slice(0, -2)}+/` } },
        { ...subscription, keys: { ...subscription.keys, auth: randomBytes(15).toString('base64url') } },
        { ...subscription, keys: { ...subscription.keys, auth: randomBytes(32).toString('base64url') } },
        { ...subscription, keys: { ...subscription.keys, auth: 'not base64url!!!!!!!!!' } },
        { ...subscription, keys: { ...subscription.keys, auth: 17 } },
      ];
      for (const input of malformed) {
        assert.throws(() => validatePushSubscription(input, hosts), (err) => err instanceof InvalidPushSubscriptionError && err.code === 'invalid_push_subscription' && err.status === 400, JSON.stringify(input)?.slice(0, 200));
      }
    });

    it('refuses endpoints on hosts not on the list with PushEndpointNotAllowedError', () => {
      const { subscription } = receiver.createSubscription();
      assert.throws(() => validatePushSubscription(subscription, DEFAULT_PUSH_ENDPOINT_HOSTS), PushEndpointNotAllowedError);
      assert.throws(() => validatePushSubscription({ ...subscription, endpoint: 'https://evil.example/push/abc' }, hosts), PushEndpointNotAllowedError);
      assert.deepEqual(
        validatePushSubscription({ ...subscription, endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def' }, DEFAULT_PUSH_ENDPOINT_HOSTS),
        { ...subscription, endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def' },
      );
    });
  });
});
