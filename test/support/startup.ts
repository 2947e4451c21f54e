// A fresh Node process that imports modules and/or builds the app on the memory store as a server
// does at start, then reports its RSS, heap and the packages it loaded (module hooks note every
// package resolved, for import and require alike). Used by `npm run bench -- memory` and by the
// test that keeps packages needed only by some pages out of the start.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Packages worth naming when loaded: each costs several MB of RSS at load. */
export const HEAVY = ['mongoose', 'mongodb', 'nodemailer', 'web-push', 'qrcode', 'maxmind', 'argon2', 'libphonenumber-js', '@zxcvbn-ts/core', 'oidc-provider'];

export function measureStart(imports: string[], buildApp: boolean): { rss: number; heap: number; loaded: string[] } {
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
