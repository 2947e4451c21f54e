// The gate must route exactly as the routers one after another did: same matches, same order,
// 405/OPTIONS from allowedMethods, case-insensitive paths, and everything else falls through.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { gatedRouters } from './router-gate.ts';

function routers(): Router[] {
  const home = new Router();
  home.get('/', (ctx) => { ctx.body = 'home'; });
  const account = new Router({ prefix: '/account' });
  account.get('/', (ctx) => { ctx.body = 'account'; });
  account.post('/name', (ctx) => { ctx.body = 'renamed'; });
  // A second router under the same segment: the first one's route wins where both match.
  const accountToo = new Router();
  accountToo.get('/account', (ctx) => { ctx.body = 'shadowed'; });
  accountToo.get('/account/contacts', (ctx) => { ctx.body = 'contacts'; });
  const anywhere = new Router();
  anywhere.get('/:lang/help', (ctx) => { ctx.body = `help ${String(ctx.params.lang)}`; });
  return [home, account, accountToo, anywhere];
}

/** What follows the routers in the app: oidc-provider, which knows /token and nothing else here. */
function provider(seen: string[]): Koa.Middleware {
  return (ctx) => {
    seen.push(ctx.path);
    if (ctx.path === '/token') ctx.body = 'provider';
  };
}

async function serve(app: Koa): Promise<{ base: string; server: Server }> {
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const REQUESTS: Array<[string, string]> = [
  ['GET', '/'], ['GET', '/account'], ['GET', '/account/'], ['GET', '/account/contacts'], ['POST', '/account/name'],
  ['GET', '/ACCOUNT/Contacts'], ['GET', '/ja/help'], ['GET', '/account/help'], ['PUT', '/account/name'],
  ['OPTIONS', '/account/name'], ['POST', '/token'], ['GET', '/accounts'], ['GET', '/account/unknown'], ['DELETE', '/'],
];

describe('gatedRouters', () => {
  const seenGated: string[] = [];
  const seenSequential: string[] = [];
  let gated: { base: string; server: Server };
  let sequential: { base: string; server: Server };

  before(async () => {
    const gatedApp = new Koa();
    gatedApp.use(gatedRouters(routers()));
    gatedApp.use(provider(seenGated));
    gated = await serve(gatedApp);
    const sequentialApp = new Koa();
    for (const router of routers()) {
      sequentialApp.use(router.routes());
      sequentialApp.use(router.allowedMethods());
    }
    sequentialApp.use(provider(seenSequential));
    sequential = await serve(sequentialApp);
  });
  after(() => {
    gated.server.close();
    sequential.server.close();
  });

  const call = async (base: string, method: string, path: string): Promise<string> => {
    const res = await fetch(`${base}${path}`, { method });
    return `${res.status} ${await res.text()} allow=${res.headers.get('allow') ?? ''}`;
  };

  it('answers every request exactly as the routers one after another did', async () => {
    for (const [method, path] of REQUESTS) {
      assert.equal(await call(gated.base, method, path), await call(sequential.base, method, path), `${method} ${path}`);
    }
    assert.deepEqual(seenGated, seenSequential, 'the same requests reach what follows the routers');
  });

  it('routes by the first match in the routers\' order, case-insensitively, patterns first anywhere; 405 for another method', async () => {
    assert.equal(await call(gated.base, 'GET', '/account'), '200 account allow=');
    assert.equal(await call(gated.base, 'GET', '/ACCOUNT/Contacts'), '200 contacts allow=');
    assert.equal(await call(gated.base, 'GET', '/account/help'), '200 help account allow=');
    assert.match(await call(gated.base, 'PUT', '/account/name'), /^405 .*allow=POST/);
    assert.equal(await call(gated.base, 'POST', '/token'), '200 provider allow=');
  });
});
