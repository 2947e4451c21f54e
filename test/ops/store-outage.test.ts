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

/**
 * How long the database stays down. Long enough to cross every timeout of the driver as tobira sets
 * it up: server selection (1 s here, 5 s by default), the monitor's heartbeat (10 s: the driver
 * notices the server gone and, after the outage, back only at a heartbeat), and the connection
 * pool being cleared and refilled. Connecting to a stopped server is refused at once, so the 30 s
 * connect timeout is not waited for. TOBIRA_OUTAGE_SECONDS=30 gives the 30-second outage.
 */
const OUTAGE_SECONDS = Number(process.env.TOBIRA_OUTAGE_SECONDS ?? 12);

// Needs a database server of its own to take down: FerretDB, not a shared MONGODB_URI server.
const canRun = USES_MONGO && !process.env.MONGODB_URI && existsSync(ferretdbBinaryPath());

describe('store outage (mongo store on FerretDB)', () => {
  if (canRun) it('answers 503 while the database is down and serves again once it is back, without a restart', async function () {
    this.timeout(90_000 + OUTAGE_SECONDS * 1000);
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
      // A sign-in finished just before the outage: its code is issued, not yet redeemed.
      const held = await startAuthorization(config);
      const heldCallback = (await signUpAndConsent(new HttpBrowser(), held, 'outage.held@example.com')).url;

      await kill(ferret);
      const downAt = Date.now();
      assert.equal((await request(tobira.issuer).get('/readyz')).status, 503);
      const signIn = await new HttpBrowser().request((await startAuthorization(config)).url.href);
      assert.equal(signIn.status, 503, 'a new sign-in is refused cleanly');
      assert.match(signIn.body, /data-code="store_unavailable"/);
      const refused = await oidc.refreshTokenGrant(config, tokens.refresh_token!).then(() => undefined, (err: unknown) => err);
      // openid-client refuses a 503 as not OAuth-conform and keeps the response as the cause.
      assert.equal((refused as { cause?: Response } | undefined)?.cause?.status, 503, 'the token endpoint answers 503: no token, try again');
      assert.equal((await request(tobira.issuer).get('/healthz')).status, 200, 'the process itself stays up');
      const heldDuring = await redeem(config, held, heldCallback).then(() => undefined, (err: unknown) => err);
      assert.equal((heldDuring as { cause?: Response } | undefined)?.cause?.status, 503, 'the held code cannot be redeemed while the database is down');
      // Through the whole outage every answer is a prompt 503, never a hang or a 500.
      while (Date.now() - downAt < OUTAGE_SECONDS * 1000) {
        const started = Date.now();
        const [ready, page] = await Promise.all([request(tobira.issuer).get('/readyz'), new HttpBrowser().request((await startAuthorization(config)).url.href)]);
        assert.deepEqual([ready.status, page.status], [503, 503], `${Math.round((Date.now() - downAt) / 1000)} s into the outage`);
        assert.ok(Date.now() - started < 8_000, 'refused within the server selection timeout, not hung');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }

      ferret = await startFerret(port, dir);
      for (const deadline = Date.now() + 20_000; (await request(tobira.issuer).get('/readyz')).status !== 200;) {
        assert.ok(Date.now() < deadline, '/readyz recovers');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The held code is redeemed now, exactly once: not lost, not doubled.
      assert.ok((await redeem(config, held, heldCallback)).access_token);
      await assert.rejects(redeem(config, held, heldCallback), (err: Error & { error?: string }) => err.error === 'invalid_grant');
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
