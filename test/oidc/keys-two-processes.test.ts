// Signing key rotation across two real tobira processes on one mongo database: a rotation made
// through one is signed with and published by the other within seconds; ID tokens signed before it
// still verify with openid-client on either; the schedule, run by both, takes each step once.
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { createMongoStore } from '../../src/store/index.ts';
import { freePort } from '../support/ports.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { signIn, verifiesNow } from '../support/id-token-replay.ts';
import { mongoTestUri, uniqueDbName } from '../support/mongo.ts';
import { partnerClient } from '../support/partner.ts';
import { startMain, type RunningProcess } from '../support/processes.ts';
import { ADMIN_TOKEN } from '../support/recovery-harness.ts';
import { USES_MONGO } from '../support/stores.ts';
import { defaultSmtpUrl, writeClientsFile } from '../support/tobira.ts';

interface KeyView { kid: string; alg: string; state: string }

const REFRESH_SECONDS = 1;
const PUBLISH_SECONDS = 2;

async function jwksKids(url: string): Promise<string[]> {
  const jwks = await (await fetch(url)).json() as { keys: Array<{ kid: string }> };
  return jwks.keys.map((key) => key.kid).sort();
}

async function keysApi(base: string, method: 'GET' | 'POST', path = '', body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/admin/api/keys${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two processes on one fresh database, with the partner client; `toB` routes a URL of the issuer to B. */
async function startPair(name: string, env: Record<string, string>): Promise<{ a: RunningProcess; b: RunningProcess; issuer: string; baseB: string; toB: (url: URL) => URL; uri: string }> {
  const [portA, portB] = await Promise.all([freePort(), freePort()]);
  const issuer = `http://localhost:${portA}`;
  const uri = await mongoTestUri(uniqueDbName(name));
  const common = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ISSUER: issuer,
    DEMO: 'false',
    MONGODB_URI: uri,
    CLIENTS_FILE: writeClientsFile([partnerClient()]),
    SMTP_URL: await defaultSmtpUrl(),
    ADMIN_TOKEN,
    SIGNING_KEYS_REFRESH_SECONDS: String(REFRESH_SECONDS),
    SIGNING_KEY_PUBLISH_SECONDS: String(PUBLISH_SECONDS),
    SIGNING_KEY_RETIRE_GRACE_SECONDS: '0',
    ...env,
  };
  const [a, b] = await Promise.all([startMain({ ...common, PORT: String(portA) }), startMain({ ...common, PORT: String(portB) })]);
  const toB = (url: URL): URL => {
    const routed = new URL(url);
    routed.port = String(portB);
    return routed;
  };
  return { a, b, issuer, baseB: `http://localhost:${portB}`, toB, uri };
}

if (USES_MONGO) describe('signing key rotation across two tobira processes on one mongo database', function () {
  this.timeout(120_000);

  describe('by command', () => {
    let pair: Awaited<ReturnType<typeof startPair>>;
    before(async () => { pair = await startPair('keys-command', { SIGNING_KEY_ROTATION_SECONDS: '0' }); });
    after(async () => { await Promise.all([pair?.a.stop(), pair?.b.stop()]); });

    it('a rotation made through A is published by B and signs there within seconds; older ID tokens still verify on both', async () => {
      const { issuer, baseB, toB } = pair;
      assert.deepEqual(await jwksKids(`${issuer}/jwks`), await jwksKids(`${baseB}/jwks`), 'both start with the same keys');
      const browser = new HttpBrowser();
      const before = await signIn(issuer, browser, 'keys.two@example.com');
      const oldRs = decodeProtectedHeader(before.idToken).kid;

      const generated = await keysApi(issuer, 'POST', '/generate', { operator: 'alice' });
      assert.equal(generated.status, 201, JSON.stringify(generated.json));
      const newKids = (generated.json.keys as KeyView[]).map((key) => key.kid);
      const newRs = (generated.json.keys as KeyView[]).find((key) => key.alg === 'RS256')?.kid;
      // B publishes the next keys within its refresh interval, before anything is signed with them.
      const publishedBy = Date.now() + (REFRESH_SECONDS + 2) * 1000;
      let kidsB = await jwksKids(`${baseB}/jwks`);
      while (!newKids.every((kid) => kidsB.includes(kid))) {
        assert.ok(Date.now() < publishedBy, 'B publishes the next keys within seconds');
        await sleep(200);
        kidsB = await jwksKids(`${baseB}/jwks`);
      }

      await sleep(PUBLISH_SECONDS * 1000);
      const promoted = await keysApi(issuer, 'POST', '/promote', { operator: 'alice' });
      assert.equal(promoted.status, 200, JSON.stringify(promoted.json));
      const promotedAt = Date.now();

      // B signs with the new key within seconds of the promotion made through A.
      browser.route = toB;
      let after = await signIn(issuer, browser, undefined, toB);
      while (decodeProtectedHeader(after.idToken).kid !== newRs) {
        assert.equal(decodeProtectedHeader(after.idToken).kid, oldRs);
        assert.ok(Date.now() - promotedAt < (REFRESH_SECONDS + 3) * 1000, 'B signs with the promoted key within seconds');
        await sleep(200);
        after = await signIn(issuer, browser, undefined, toB);
      }
      assert.equal(decodeProtectedHeader(after.idToken).kid, newRs);

      // The ID token signed before the rotation, and the one signed after, verify with openid-client on either process.
      await verifiesNow(issuer, before);
      await verifiesNow(issuer, before, toB);
      await verifiesNow(issuer, after);
      await verifiesNow(issuer, after, toB);
      assert.deepEqual(await jwksKids(`${issuer}/jwks`), await jwksKids(`${baseB}/jwks`));
      assert.ok((await jwksKids(`${baseB}/jwks`)).includes(String(oldRs)), 'the retired key is still published');
    });
  });

  describe('on a schedule', () => {
    let pair: Awaited<ReturnType<typeof startPair>>;
    // Rotates every 4 s (next keys published 2 s before); a retired key is kept for 120 s (logout tokens).
    before(async () => { pair = await startPair('keys-schedule', { SIGNING_KEY_ROTATION_SECONDS: '4' }); });
    after(async () => { await Promise.all([pair?.a.stop(), pair?.b.stop()]); });

    it('both processes run the schedule; each generation is made and promoted by exactly one of them, and both agree', async () => {
      await sleep(11_000);
      const store = await createMongoStore(pair.uri);
      try {
        const events = (await store.audit.list({ limit: 1000 })).filter((e) => e.type.startsWith('signing_key.'));
        const generated = events.filter((e) => e.type === 'signing_key.generated');
        const promoted = events.filter((e) => e.type === 'signing_key.promoted');
        assert.ok(generated.length >= 2, `rotated at least twice in 11 s: ${JSON.stringify(events.map((e) => e.type))}`);
        assert.ok(events.every((e) => e.actor === 'system:key-schedule'));
        // Every generated key pair appears once (no process generated the same step twice).
        const generatedKids = generated.flatMap((e) => e.details.kids as string[]);
        assert.equal(new Set(generatedKids).size, generatedKids.length);
        // Each promotion promoted keys that were generated once, and no generation was promoted twice.
        const promotedKids = promoted.flatMap((e) => e.details.kids as string[]);
        assert.equal(new Set(promotedKids).size, promotedKids.length);
        assert.ok(promotedKids.every((kid) => generatedKids.includes(kid)));
        // The stored set has at most one next generation and one current generation.
        const listed = await keysApi(pair.issuer, 'GET');
        const keys = listed.json.keys as KeyView[];
        assert.equal(keys.filter((key) => key.state === 'current').length, 2);
        assert.ok(keys.filter((key) => key.state === 'next').length <= 2);
        // No generation was lost to a racing write: each one audited is promoted or still in the store.
        const stored = keys.map((key) => key.kid);
        for (const kid of generatedKids) assert.ok(promotedKids.includes(kid) || stored.includes(kid), `generated ${kid} was kept`);
      } finally {
        await store.close();
      }
      // Both publish the same keys (checked twice: a step may land between the two reads).
      let same = false;
      for (let i = 0; i < 10 && !same; i += 1) {
        same = JSON.stringify(await jwksKids(`${pair.issuer}/jwks`)) === JSON.stringify(await jwksKids(`${pair.baseB}/jwks`));
        if (!same) await sleep(300);
      }
      assert.ok(same, 'A and B publish the same keys');
    });
  });
});
