// In-process latency checks, run by hand: `npm run bench -- latency` (memory store) or
// `npm run bench -- latency --mongo` (FerretDB, or MONGODB_URI). Prints figures; asserts nothing about speed.
//
// 1. Password sign-in latency for a wrong password vs an unknown e-mail: the two must cost the
//    same, or response time tells an attacker which e-mail addresses have accounts.
// 2. Full authorization code flows (authorize → sign in → consent skipped → code → tokens)
//    per second through real HTTP, as a partner service drives them.
// 3. Token endpoint: refresh-token rotations per second.
import { performance } from 'node:perf_hooks';
import * as oidc from 'openid-client';
import { AccountService } from '../src/accounts/account-service.ts';
import { InvalidCredentialsError } from '../src/accounts/errors.ts';
import { PasswordThrottle } from '../src/accounts/password-throttle.ts';
import { RateLimiter } from '../src/limits/rate-limiter.ts';
import { MemoryCounters } from '../src/store/memory/counters.ts';
import { AuditLog } from '../src/audit/audit-log.ts';
import { createLogger } from '../src/log.ts';
import { HttpBrowser } from '../test/support/http-browser.ts';
import { TEST_LIMIT_SETTINGS } from '../test/support/limits.ts';
import { stopMongoTestServer } from '../test/support/mongo.ts';
import { discover, partnerClient, PARTNER_CALLBACK, redeem, signUpAndConsent, startAuthorization } from '../test/support/partner.ts';
import { startTobira } from '../test/support/tobira.ts';

const kind = process.argv.includes('--mongo') ? 'mongo' : 'memory';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

function summary(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`${label.padEnd(48)} n=${String(samples.length).padStart(4)}  mean=${mean.toFixed(2).padStart(8)} ms  p50=${pct(50).toFixed(2).padStart(8)} ms  p95=${pct(95).toFixed(2).padStart(8)} ms`);
}

async function main(): Promise<void> {
  console.log(`tobira benchmarks on the ${kind} store, ${ROUNDS} rounds each (Node ${process.version})`);
  const tobira = await startTobira({ store: kind, clients: [partnerClient()] });
  try {
    const config = await discover(tobira.issuer);
    const browser = new HttpBrowser();
    const first = await startAuthorization(config, { scope: 'openid profile email offline_access', prompt: 'consent' });
    const tokens = await redeem(config, first, (await signUpAndConsent(browser, first, 'bench@example.com')).url);

    // The bench times the password check, not the throttle: its counts live on a clock that moves
    // a day on with every try, so no limit is ever reached.
    let day = 0;
    const counters = new MemoryCounters(() => (day += 1) * 86_400_000);
    const throttle = new PasswordThrottle(new RateLimiter(counters, TEST_LIMIT_SETTINGS, () => day * 86_400_000));
    const accounts = new AccountService({ accounts: tobira.store.accounts, audit: new AuditLog(tobira.store.audit, createLogger('silent')), throttle });
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      for (const [email, into] of [['bench@example.com', wrong], [`nobody${i}@example.com`, unknown]] as const) {
        const t0 = performance.now();
        await accounts.signInWithPassword(email, 'wrong password here', '127.0.0.1').catch((err: unknown) => {
          if (!(err instanceof InvalidCredentialsError)) throw err;
        });
        into.push(performance.now() - t0);
      }
    }
    summary('sign-in refused: wrong password', wrong);
    summary('sign-in refused: unknown e-mail', unknown);

    const flows: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const t0 = performance.now();
      const pending = await startAuthorization(config);
      const page = await browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      await redeem(config, pending, page.url);
      flows.push(performance.now() - t0);
    }
    summary('authorization code flow (signed in, consented)', flows);

    const refreshes: number[] = [];
    let refreshToken = tokens.refresh_token!;
    for (let i = 0; i < ROUNDS; i += 1) {
      const t0 = performance.now();
      const rotated = await oidc.refreshTokenGrant(config, refreshToken);
      refreshToken = rotated.refresh_token!;
      refreshes.push(performance.now() - t0);
    }
    summary('refresh token rotation', refreshes);
  } finally {
    await tobira.close();
    await stopMongoTestServer();
  }
}

await main();
