// CookieSigner against keygrip itself (koa builds a Keygrip when app.keys is an array): cookies
// signed before the change still verify, and the other way round, through koa's real cookies.
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa, { type Context } from 'koa';
import { CookieSigner } from './cookie-signer.ts';

function appWith(keys: string[] | CookieSigner): Koa {
  const app = new Koa();
  app.keys = keys;
  return app;
}

function context(app: Koa, cookies: Map<string, string> = new Map()): Context {
  const req = new IncomingMessage(new Socket());
  req.headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return app.createContext(req, new ServerResponse(req));
}

/** The name=value pairs a response set. */
function jarOf(ctx: Context): Map<string, string> {
  const header = ctx.response.headers['set-cookie'];
  const jar = new Map<string, string>();
  for (const line of Array.isArray(header) ? header : []) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return jar;
}

function signedBy(app: Koa, name: string, value: string): Map<string, string> {
  const ctx = context(app);
  ctx.cookies.set(name, value, { signed: true });
  return jarOf(ctx);
}

describe('CookieSigner (keygrip format)', () => {
  const keys = ['current-key-Ωä', 'previous-key'];

  it('verifies cookies signed by keygrip, with the first key or an older one', () => {
    for (const keygripKeys of [keys, ['previous-key']]) {
      const jar = signedBy(appWith(keygripKeys), 'tobira.flow', 'eyJhIjoxfQ');
      assert.equal(context(appWith(new CookieSigner(keys)), jar).cookies.get('tobira.flow', { signed: true }), 'eyJhIjoxfQ');
    }
  });

  it('signs exactly as keygrip does, so processes still on keygrip accept its cookies', () => {
    const ours = signedBy(appWith(new CookieSigner(keys)), 'tobira.flow', 'value with spaces');
    const theirs = signedBy(appWith(keys), 'tobira.flow', 'value with spaces');
    assert.deepEqual([...ours], [...theirs]);
    assert.equal(context(appWith(keys), ours).cookies.get('tobira.flow', { signed: true }), 'value with spaces');
  });

  it('refuses a changed value, a changed or shortened signature, and a key it does not hold', () => {
    const app = appWith(new CookieSigner(keys));
    const jar = signedBy(app, 'c', 'v');
    const sig = jar.get('c.sig') ?? '';
    const cases: Map<string, string>[] = [
      new Map([['c', 'w'], ['c.sig', sig]]),
      new Map([['c', 'v'], ['c.sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`]]),
      new Map([['c', 'v'], ['c.sig', sig.slice(0, -2)]]),
      new Map([['c', 'v'], ['c.sig', `${sig}==`]]),
      signedBy(appWith(['someone-else']), 'c', 'v'),
    ];
    for (const jarCase of cases) assert.equal(context(app, jarCase).cookies.get('c', { signed: true }), undefined);
  });

  it('tells which key matched, as keygrip.index does (koa re-signs with the first key when it is not 0)', () => {
    const signer = new CookieSigner(keys);
    const older = new CookieSigner(['previous-key']);
    assert.equal(signer.index('c=v', older.sign('c=v')), 1);
    assert.equal(signer.index('c=v', signer.sign('c=v')), 0);
    assert.equal(signer.verify('c=v', 'x'), false);
    assert.throws(() => new CookieSigner([]));
  });
});
