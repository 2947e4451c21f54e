// The flow cookie on a real koa context (koa's own signed cookies, app.keys), with a fake clock.
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa, { type Context } from 'koa';
import { z } from 'zod';
import { FlowCookie } from './flow-cookie.ts';
import { writeSignedJson } from './signed-cookie.ts';

const app = new Koa();
app.keys = ['flow-cookie-test-key'];

/** A request carrying `jar`'s cookies. */
function contextWith(jar: Map<string, string>): Context {
  const req = new IncomingMessage(new Socket());
  req.headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  return app.createContext(req, new ServerResponse(req));
}

/** The Set-Cookie headers of a response. */
function setCookies(ctx: Context): string[] {
  const header = ctx.response.headers['set-cookie'];
  return Array.isArray(header) ? header : [];
}

/** Keeps what a response set, like a browser (an emptied cookie is dropped). */
function keep(jar: Map<string, string>, ctx: Context): void {
  for (const line of setCookies(ctx)) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

const state = z.object({ step: z.literal('started'), email: z.string().max(254) });
type State = z.infer<typeof state>;
const LIFETIME = 60_000;

describe('FlowCookie', () => {
  let now: number;
  let cookie: FlowCookie<State>;
  let jar: Map<string, string>;
  const started: State = { step: 'started', email: 'alice@example.com' };

  beforeEach(() => {
    now = 1_700_000_000_000;
    cookie = new FlowCookie({ name: 'tobira.test', schema: state, lifetimeMs: LIFETIME, now: () => now });
    jar = new Map();
  });

  function write(binding: string, value: State, ttl?: number): Context {
    const ctx = contextWith(jar);
    cookie.write(ctx, binding, value, ttl);
    keep(jar, ctx);
    return ctx;
  }
  const read = (binding: string): State | undefined => cookie.read(contextWith(jar), binding);

  it('reads back what was written, for the same binding', () => {
    write('uid-1', started);
    assert.deepEqual(read('uid-1'), started);
  });

  it('is a signed, HttpOnly, SameSite=Lax cookie that lives as long as the state', () => {
    const lines = setCookies(write('uid-1', started));
    const main = lines.find((line) => line.startsWith('tobira.test='));
    assert.ok(main);
    assert.match(main, /httponly/i);
    assert.match(main, /samesite=lax/i);
    // The browser drops it with the state (by its own clock: the lifetime, not the deadline, is sent).
    const expires = Date.parse(/expires=([^;]+)/i.exec(main)?.[1] ?? '');
    assert.ok(Math.abs(expires - (Date.now() + LIFETIME)) < 2_000);
    assert.ok(lines.some((line) => line.startsWith('tobira.test.sig=')), 'koa signs it');
  });

  it('reads nothing for another binding', () => {
    write('uid-1', started);
    assert.equal(read('uid-2'), undefined);
  });

  it('reads nothing once its lifetime has passed by the injected clock', () => {
    write('uid-1', started);
    now += LIFETIME - 1;
    assert.deepEqual(read('uid-1'), started);
    now += 1;
    assert.equal(read('uid-1'), undefined);
  });

  it('keeps a state for the time the write asks', () => {
    write('uid-1', started, 5_000);
    now += 4_999;
    assert.deepEqual(read('uid-1'), started);
    now += 1;
    assert.equal(read('uid-1'), undefined);
  });

  it('reads nothing when the value was changed (signature mismatch)', () => {
    write('uid-1', started);
    const value = jar.get('tobira.test') ?? '';
    const forged = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { s: State };
    forged.s.email = 'mallory@example.com';
    jar.set('tobira.test', Buffer.from(JSON.stringify(forged)).toString('base64url'));
    assert.equal(read('uid-1'), undefined);
  });

  it('reads nothing without its signature', () => {
    write('uid-1', started);
    jar.delete('tobira.test.sig');
    assert.equal(read('uid-1'), undefined);
  });

  it('reads nothing when a signed value does not match the schema or the envelope', () => {
    // What an older release (or another flow) may have left under the same name, properly signed.
    const other = new FlowCookie({ name: 'tobira.test', schema: z.object({ step: z.literal('other') }), lifetimeMs: LIFETIME, now: () => now });
    const ctx = contextWith(jar);
    other.write(ctx, 'uid-1', { step: 'other' });
    keep(jar, ctx);
    assert.equal(read('uid-1'), undefined);

    const legacy = contextWith(jar);
    writeSignedJson(legacy, 'tobira.test', { uid: 'uid-1', email: 'alice@example.com', exp: now + LIFETIME });
    keep(jar, legacy);
    assert.equal(read('uid-1'), undefined);
  });

  it('refuses to write a state that does not match its schema', () => {
    assert.throws(() => write('uid-1', { step: 'started', email: 'x'.repeat(300) }));
    assert.equal(jar.size, 0);
  });

  it('clear removes it', () => {
    write('uid-1', started);
    const ctx = contextWith(jar);
    cookie.clear(ctx);
    keep(jar, ctx);
    assert.equal(read('uid-1'), undefined);
    assert.equal(jar.has('tobira.test'), false);
  });
});
