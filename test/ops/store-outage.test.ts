// A store outage under a running process: while the database is down every request that needs it
// is answered 503 (an error page or JSON, never a hang or a 500) and /readyz says unavailable;
// when the database is back the same process serves again, without a restart, and what was
// stored before the outage (an account, a refresh token) still works exactly once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import request from 'supertest';
import { ferretdbBinaryPath } from '../../scripts/ensure-ferretdb.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, redeem, signUpAndConsent, startAuthorization, PARTNER_CALLBACK } from '../support/partner.ts';
import { freePort } from '../support/ports.ts';
import { USES_MONGO } from '../support/stores.ts';
import { startTobira } from '../support/tobira.ts';

const HOST = '127.0.0.1';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** FerretDB on `port` over the SQLite files in `dir`: stopping and starting it again keeps the data. */
async function startFerret(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(ferretdbBinaryPath(), [
    '--handler=sqlite', `--sqlite-url=file:${dir}/`, `--state-dir=${dir}`, `--listen-addr=${HOST}:${port}`,
    '--debug-addr=-', '--telemetry=disable', '--log-level=error',
  ], { stdio: 'ignore' });
  for (const deadline = Date.now() + 20_000; !await listening(port);) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('FerretDB did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// Needs a database server of its own to take down: FerretDB, not a shared MONGODB_URI server.
const canRun = USES_MONGO && !process.env.MONGODB_URI && existsSync(ferretdbBinaryPath());

describe('store outage (mongo store on FerretDB)', () => {
  if (canRun) it('answers 503 while the database is down and serves again once it is back, without a restart', async function () {
    this.timeout(90_000);
    const dir = mkdtempSync(join(tmpdir(), 'tobira-outage-'));
    const port = await freePort();
    let ferret = await startFerret(port, dir);
    const store = await createMongoStore(`mongodb://${HOST}:${port}/tobira_outage`, { serverSelectionTimeoutMS: 1000 });
    await store.init();
    const tobira = await startTobira({ store, clients: [partnerClient()] });
    try {
      const config = await discover(tobira.issuer);
      const pending = await startAuthorization(config, { scope: 'openid profile email offline_access', prompt: 'consent' });
      const tokens = await redeem(config, pending, (await signUpAndConsent(new HttpBrowser(), pending, 'outage@example.com')).url);

      await kill(ferret);
      assert.equal((await request(tobira.issuer).get('/readyz')).status, 503);
      const signIn = await new HttpBrowser().request((await startAuthorization(config)).url.href);
      assert.equal(signIn.status, 503, 'a new sign-in is refused cleanly');
      assert.match(signIn.body, /data-code="store_unavailable"/);
      const refused = await oidc.refreshTokenGrant(config, tokens.refresh_token!).then(() => undefined, (err: unknown) => err);
      // openid-client refuses a 503 as not OAuth-conform and keeps the response as the cause.
      assert.equal((refused as { cause?: Response } | undefined)?.cause?.status, 503, 'the token endpoint answers 503: no token, try again');
      assert.equal((await request(tobira.issuer).get('/healthz')).status, 200, 'the process itself stays up');

      ferret = await startFerret(port, dir);
      for (const deadline = Date.now() + 20_000; (await request(tobira.issuer).get('/readyz')).status !== 200;) {
        assert.ok(Date.now() < deadline, '/readyz recovers');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // What was stored before the outage works, once: the refresh token rotates, its reuse is refused.
      const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      assert.ok(rotated.access_token);
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
      // And a whole new sign-in goes through on the same process.
      const again = await startAuthorization(config);
      const page = await new HttpBrowser().follow(again.url.href);
      assert.equal(page.status, 200);
      const browser = new HttpBrowser();
      const fresh = await startAuthorization(config);
      const done = await signUpAndConsent(browser, fresh, 'after-outage@example.com');
      assert.ok(done.url.startsWith(PARTNER_CALLBACK));
      assert.ok((await redeem(config, fresh, done.url)).access_token);
    } finally {
      await tobira.close();
      await store.close().catch(() => undefined);
      await kill(ferret);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
