// Two tobira processes on one database under load, and one of them killed with SIGKILL (no
// graceful shutdown: requests in flight are cut). Every sign-in in progress is finished by the
// other process: the clients (browsers and the partner's back end) retry a request whose
// connection failed on the other process, as a browser behind a load balancer does. Sign-in state
// lives only in the store, so nothing that was stored is lost.
//
// One case cannot be finished by the retry alone: a request the killed process had already done
// (say, the passkey check or the code redemption) whose answer never left it. Its retry is refused
// (the challenge or code is used up: never used twice) and the user starts that sign-in again.
// Every sign-in must end signed in, with at most that one restart, and no code redeemed twice.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { addPasskey, member, postJson, signInPage } from '../support/account-menu.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { mongoTestUri, uniqueDbName } from '../support/mongo.ts';
import { discover, PARTNER_CALLBACK, partnerClient, redeem, type PendingAuthorization } from '../support/partner.ts';
import { freePort } from '../support/ports.ts';
import { startMain, type RunningProcess } from '../support/processes.ts';
import { jsonOf } from '../support/push-harness.ts';
import type { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { USES_MONGO } from '../support/stores.ts';
import { defaultSmtpUrl, writeClientsFile } from '../support/tobira.ts';

/** The two processes behind one issuer URL; a process whose connection failed is taken out. */
class Cluster {
  readonly ports: number[];
  readonly down = new Set<number>();
  failovers = 0;

  constructor(ports: number[]) {
    this.ports = ports;
  }

  /** Where user `vu`'s requests go: its own process while it is up, otherwise the next one up. */
  route(vu: number): (url: URL) => URL {
    return (url) => {
      if (url.hostname !== 'localhost') return url;
      const up = this.ports.filter((port) => !this.down.has(port));
      const routed = new URL(url);
      routed.port = String(up.includes(this.ports[vu % this.ports.length]!) ? this.ports[vu % this.ports.length] : up[0]);
      return routed;
    };
  }

  /** Runs `send(target)`; when the connection fails, takes the target out and sends once more. */
  async retrying<T>(url: URL, route: (url: URL) => URL, send: (target: URL) => Promise<T>, user: { failovers: number }): Promise<T> {
    const target = route(url);
    try {
      return await send(target);
    } catch (err) {
      // fetch's TypeError is a connection that failed (refused, reset, closed mid-answer).
      if (!(err instanceof TypeError)) throw err;
      this.down.add(Number(target.port));
      this.failovers += 1;
      user.failovers += 1;
      return send(route(url));
    }
  }
}

/** A browser whose requests fail over to the other process (counted in `user`). */
function failoverBrowser(cluster: Cluster, vu: number, user: { failovers: number }): HttpBrowser {
  const browser = new HttpBrowser();
  const route = cluster.route(vu);
  const request = browser.request.bind(browser);
  browser.request = (url, init) => {
    const current = browser.route;
    return cluster.retrying(new URL(url), route, async (target) => {
      browser.route = () => target;
      try {
        return await request(url, init);
      } finally {
        browser.route = current;
      }
    }, user);
  };
  return browser;
}

if (USES_MONGO) describe('one of two processes killed (SIGKILL) under load', function () {
  this.timeout(120_000);
  const USERS = 4;
  const SIGN_INS_EACH = 3;
  let a: RunningProcess;
  let b: RunningProcess;
  let issuer: string;
  let cluster: Cluster;

  before(async () => {
    const ports = await Promise.all([freePort(), freePort()]);
    cluster = new Cluster(ports);
    issuer = `http://localhost:${ports[0]}`;
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ISSUER: issuer,
      DEMO: 'false',
      MONGODB_URI: await mongoTestUri(uniqueDbName('kill-one')),
      CLIENTS_FILE: writeClientsFile([partnerClient()]),
      SMTP_URL: await defaultSmtpUrl(),
    };
    // One after the other: the first generates the keys, the second reads them.
    a = await startMain({ ...common, PORT: String(ports[0]) });
    b = await startMain({ ...common, PORT: String(ports[1]) });
  });
  after(async () => {
    if (a && a.child.exitCode === null && a.child.signalCode === null) await a.stop();
    await b?.stop();
  });

  it('every sign-in in progress is finished by the other process; no code is redeemed twice', async () => {
    const users: Array<{ browser: HttpBrowser; key: SoftAuthenticator; config: oidc.Configuration; cut: { failovers: number } }> = [];
    for (let vu = 0; vu < USERS; vu += 1) {
      const config = await discover(issuer);
      const route = cluster.route(vu);
      // The partner's back end retries the token endpoint on the other process too.
      const cut = { failovers: 0 };
      config[oidc.customFetch] = (url, options) => cluster.retrying(new URL(url), route, (target) => fetch(target, options as RequestInit), cut);
      const browser = failoverBrowser(cluster, vu, cut);
      await member(issuer, config, `kill.${vu}@example.com`, browser);
      users.push({ browser, key: await addPasskey(issuer, browser), config, cut });
    }

    let finished = 0;
    let restarts = 0;
    const redeemed: Array<{ config: oidc.Configuration; pending: PendingAuthorization; callback: string }> = [];
    let killed: Promise<unknown> | undefined;
    const killA = (): void => {
      killed ??= new Promise((resolve) => {
        a.child.once('exit', resolve);
        a.child.kill('SIGKILL');
      });
    };
    await Promise.all(users.map(async ({ browser, key, config, cut }) => {
      for (let n = 0; n < SIGN_INS_EACH; n += 1) {
        for (let attempt = 0; ; attempt += 1) {
          const failoversBefore = cut.failovers;
          try {
            // prompt=login: a new sign-in each time, not the session of the one before.
            const { pending, uid, csrf } = await signInPage(config, browser, { prompt: 'login' });
            const options = jsonOf(await postJson(browser, `${issuer}/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
            const done = await postJson(browser, `${issuer}/interaction/${uid}/passkey/verify`, { response: key.authenticate(options) }, csrf);
            assert.equal(done.status, 200, done.body);
            const callback = await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
            assert.ok(callback.url.startsWith(PARTNER_CALLBACK), callback.url);
            assert.ok((await redeem(config, pending, callback.url)).access_token);
            redeemed.push({ config, pending, callback: callback.url });
            break;
          } catch (err) {
            // Only a sign-in one of whose own requests was cut by the kill, and whose retry the
            // other process answered with a refusal (that step was already done), may start
            // again, once. A connection error is never excused: the retry must reach the other.
            if (attempt > 0 || cut.failovers === failoversBefore || err instanceof TypeError) throw err;
            restarts += 1;
          }
        }
        finished += 1;
        // Killed once every user is under way: their next requests are in flight on A or about to be.
        if (finished === USERS) killA();
      }
    }));
    await killed;
    assert.equal(finished, USERS * SIGN_INS_EACH, 'every sign-in ended signed in');
    assert.ok(cluster.failovers >= 1, 'requests were cut or refused by the killed process and retried on the other');
    assert.ok(restarts <= cluster.failovers, `${restarts} restarts for ${cluster.failovers} failed-over requests`);
    // Each code was redeemed once: a second redemption of any of them is refused.
    for (const { config, pending, callback } of redeemed) {
      await assert.rejects(redeem(config, pending, callback), (err: Error & { error?: string }) => err.error === 'invalid_grant');
    }
  });
});
