// A Web Push service on loopback: an https server (certificate from scripts/make-test-ca.ts) that
// plays the browser vendor's push service and the phone at once. It checks the VAPID signature
// like a push service would, decrypts the aes128gcm body with the subscription's private keys like
// the phone's browser would, and keeps what arrived, so tests read the real message tobira sent.
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ece from 'http_ece';
import { importJWK, jwtVerify } from 'jose';
import { ensureTestTls, type TestTls } from '../../scripts/make-test-ca.ts';
import type { PushSubscriptionRecord } from '../../src/store/types.ts';

export const TEST_TLS_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'tls');

/** The test CA and server certificate, made when missing. */
export function testTls(): TestTls {
  return ensureTestTls(TEST_TLS_DIR);
}

export interface ReceivedPush {
  token: string;
  /** The decrypted body, parsed as JSON. */
  payload: unknown;
  /** The TTL header, in seconds. */
  ttl: number;
  urgency: string | null;
  topic: string | null;
  /** From the verified VAPID JWT and header. */
  vapid: { subject: string; publicKey: string; expiresAt: number };
}

/** A request the receiver refused (bad VAPID, undecryptable, ...), kept to explain failing tests. */
export interface RejectedPush {
  token: string;
  status: number;
  reason: string;
}

interface Subscriber {
  ecdh: ECDH;
  auth: Buffer;
  gone: boolean;
  failNext: number | null;
}

class Rejection extends Error {
  readonly status: number;
  constructor(status: number, reason: string) {
    super(reason);
    this.status = status;
  }
}

const MAX_BODY = 8192;

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Rejection(413, `body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class PushReceiver {
  readonly messages: ReceivedPush[] = [];
  readonly rejected: RejectedPush[] = [];
  readonly #subscribers = new Map<string, Subscriber>();
  #server: Server | null = null;
  #waiters: Array<() => void> = [];
  port = 0;

  /** https://127.0.0.1:<port>, the audience a VAPID JWT for this receiver must name. */
  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Starts listening on a random loopback port; returns the origin. */
  async start(): Promise<string> {
    const { key, cert } = testTls();
    const server = createServer({ key, cert }, (req, res) => {
      void this.#handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.origin;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** A new subscription on this receiver, as a browser's PushSubscription.toJSON() would give it. */
  createSubscription(): { token: string; subscription: PushSubscriptionRecord } {
    if (!this.#server) throw new Error('PushReceiver: start() first');
    const token = randomBytes(16).toString('base64url');
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    const auth = randomBytes(16);
    this.#subscribers.set(token, { ecdh, auth, gone: false, failNext: null });
    return {
      token,
      subscription: {
        endpoint: `${this.origin}/push/${token}`,
        keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') },
      },
    };
  }

  /** From now on, pushes to this subscription answer 410 Gone (the user unsubscribed). */
  gone(token: string): void {
    this.#subscriber(token).gone = true;
  }

  /** The next push to this subscription answers `status` (e.g. 500, 429) and is not delivered. */
  failNext(token: string, status: number): void {
    this.#subscriber(token).failNext = status;
  }

  /** The first message (already here or arriving within `timeoutMs`) that satisfies `predicate`. */
  async waitFor(predicate: (message: ReceivedPush) => boolean, timeoutMs = 5_000): Promise<ReceivedPush> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const why = this.rejected.length > 0 ? `; refused: ${this.rejected.map((r) => `${r.status} ${r.reason}`).join(', ')}` : '';
        throw new Error(`no matching push within ${timeoutMs} ms (${this.messages.length} received${why})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #subscriber(token: string): Subscriber {
    const subscriber = this.#subscribers.get(token);
    if (!subscriber) throw new Error(`PushReceiver: no subscription ${token}`);
    return subscriber;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    try {
      if (req.method !== 'POST') throw new Rejection(405, `method ${req.method}`);
      const subscriber = this.#subscribers.get(token);
      if (!subscriber) throw new Rejection(404, `no subscription at ${req.url}`);
      const body = await readBody(req);
      if (subscriber.gone) throw new Rejection(410, 'subscription gone');
      if (subscriber.failNext !== null) {
        const status = subscriber.failNext;
        subscriber.failNext = null;
        throw new Rejection(status, 'failure requested by the test');
      }
      const vapid = await this.#verifyVapid(header(req, 'authorization'));
      const ttlHeader = header(req, 'ttl');
      if (ttlHeader === null || !/^\d+$/.test(ttlHeader)) throw new Rejection(400, `TTL header ${ttlHeader}`);
      if (header(req, 'content-encoding') !== 'aes128gcm') throw new Rejection(415, `Content-Encoding ${header(req, 'content-encoding')}`);
      let payload: unknown;
      try {
        const plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: subscriber.ecdh, authSecret: subscriber.auth });
        payload = JSON.parse(plain.toString('utf8'));
      } catch (err) {
        throw new Rejection(400, `cannot decrypt or parse the body: ${(err as Error).message}`);
      }
      this.messages.push({ token, payload, ttl: Number(ttlHeader), urgency: header(req, 'urgency'), topic: header(req, 'topic'), vapid });
      for (const wake of this.#waiters.splice(0)) wake();
      res.writeHead(201, { location: `${this.origin}/message/${randomBytes(8).toString('base64url')}` });
      res.end();
    } catch (err) {
      const status = err instanceof Rejection ? err.status : 500;
      this.rejected.push({ token, status, reason: (err as Error).message });
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      res.end((err as Error).message);
    }
  }

  /** RFC 8292: `vapid t=<JWT>, k=<P-256 public key>`; ES256 by k, aud = this origin, exp within 24 h. */
  async #verifyVapid(authorization: string | null): Promise<ReceivedPush['vapid']> {
    const match = /^vapid\s+t=([^,\s]+)\s*,\s*k=([A-Za-z0-9_-]+)$/i.exec(authorization ?? '');
    if (!match?.[1] || !match[2]) throw new Rejection(401, `Authorization header ${JSON.stringify(authorization)}`);
    const [, jwt, k] = match;
    const point = Buffer.from(k, 'base64url');
    if (point.length !== 65 || point[0] !== 0x04) throw new Rejection(401, 'k is not an uncompressed P-256 point');
    try {
      const key = await importJWK({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, 'ES256');
      const { payload } = await jwtVerify(jwt, key, { algorithms: ['ES256'], audience: this.origin, requiredClaims: ['exp', 'sub'] });
      const exp = payload.exp ?? 0;
      if (exp > Math.floor(Date.now() / 1000) + 24 * 60 * 60) throw new Error('exp more than 24 hours ahead');
      return { subject: String(payload.sub), publicKey: k, expiresAt: exp };
    } catch (err) {
      throw new Rejection(403, `VAPID JWT rejected: ${(err as Error).message}`);
    }
  }
}
