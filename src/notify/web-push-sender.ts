// Sends Web Push messages (RFC 8030) to the phones set up for push sign-in approvals: the payload
// is encrypted for the subscription (RFC 8291, aes128gcm) and the request signed with tobira's VAPID
// key (RFC 8292), through the web-push library.
//
// A subscription endpoint is a URL the browser hands us, so it is attacker-controlled input that
// makes the server issue a POST: before anything is sent, the endpoint must be https on a host the
// operator allows (by default the browsers' real push services). Everything else is refused.
import { createPublicKey } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import type webpush from 'web-push';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.ts';
import type { PushSubscriptionRecord } from '../store/types.ts';
import { InvalidPushSubscriptionError, PushDeliveryError, PushEndpointNotAllowedError } from './errors.ts';

/** The push services of Chrome/Edge/Android (FCM), Firefox (autopush), Safari (APNs web push) and Windows (WNS). */
export const DEFAULT_PUSH_ENDPOINT_HOSTS: readonly string[] = Object.freeze([
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'push.services.mozilla.com',
  'web.push.apple.com',
  '*.push.apple.com',
  '*.notify.windows.com',
]);

/** Longest endpoint URL accepted. */
export const MAX_ENDPOINT_LENGTH = 2048;

/**
 * Largest JSON payload (UTF-8 bytes) that fits one aes128gcm record of 4096 bytes, the most push
 * services accept: 4096 - 86 (salt, record size, key id) - 16 (tag) - 1 (padding delimiter).
 */
export const MAX_PAYLOAD_BYTES = 3993;

function normaliseHostEntry(entry: string): string {
  return entry.trim().toLowerCase();
}

/**
 * Whether the URL's host is on the list. An entry is an exact host name (`fcm.googleapis.com`), a
 * host with port (`127.0.0.1:8443`, that port only), or `*.suffix`, which matches any host name
 * strictly below the suffix (`*.push.apple.com` matches `api.push.apple.com`, not `push.apple.com`).
 */
export function isEndpointHostAllowed(url: URL, allowedEndpointHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowedEndpointHosts.some((raw) => {
    const entry = normaliseHostEntry(raw);
    if (entry.startsWith('*.')) {
      const suffix = entry.slice(1); // ".push.apple.com"
      return suffix.length > 1 && hostname.length > suffix.length && hostname.endsWith(suffix);
    }
    return entry !== '' && (entry === hostname || entry === host);
  });
}

/**
 * The endpoint as the WHATWG URL parser reads it, if tobira may post to it: https, no user
 * information, host on the allowlist. The normalised href is what gets sent, so the host checked
 * here is the host connected to.
 */
function allowedEndpoint(endpoint: string, allowedEndpointHosts: readonly string[]): URL | null {
  if (endpoint.length > MAX_ENDPOINT_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return null;
  return isEndpointHostAllowed(url, allowedEndpointHosts) ? url : null;
}

/** Strict unpadded base64url (a trailing '=' padding is tolerated); null when it is not. */
function decodeBase64url(value: string): Buffer | null {
  const unpadded = value.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(unpadded)) return null;
  const bytes = Buffer.from(unpadded, 'base64url');
  return bytes.toString('base64url') === unpadded ? bytes : null;
}

function isP256Point(bytes: Buffer): boolean {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: bytes.subarray(1, 33).toString('base64url'), y: bytes.subarray(33).toString('base64url') },
      format: 'jwk',
    });
    return true;
  } catch {
    return false;
  }
}

const subscriptionSchema = z.object({
  endpoint: z.string().min(1).max(MAX_ENDPOINT_LENGTH).refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an https URL'),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: z.string().max(100).refine((value) => {
      const bytes = decodeBase64url(value);
      return bytes !== null && isP256Point(bytes);
    }, 'must be the base64url of a 65-byte uncompressed P-256 point'),
    auth: z.string().max(30).refine((value) => decodeBase64url(value)?.length === 16, 'must be the base64url of 16 bytes'),
  }),
});

/**
 * Reads a subscription as the browser's PushSubscription.toJSON() gives it. Returns only what
 * tobira keeps (endpoint normalised, keys unpadded). Throws InvalidPushSubscriptionError when it
 * is malformed, PushEndpointNotAllowedError when its host is not on the list.
 */
export function validatePushSubscription(input: unknown, allowedEndpointHosts: readonly string[]): PushSubscriptionRecord {
  const parsed = subscriptionSchema.safeParse(input);
  if (!parsed.success) throw new InvalidPushSubscriptionError({ cause: parsed.error });
  const url = allowedEndpoint(parsed.data.endpoint, allowedEndpointHosts);
  if (!url) throw new PushEndpointNotAllowedError();
  return {
    endpoint: url.href,
    keys: {
      p256dh: parsed.data.keys.p256dh.replace(/=+$/, ''),
      auth: parsed.data.keys.auth.replace(/=+$/, ''),
    },
  };
}

export interface WebPushSenderOptions {
  vapid: { publicKey: string; privateKey: string };
  /** Contact for the push service operators: a mailto: or https: URL (e.g. the issuer). */
  subject: string;
  /** Hosts endpoints may point at: exact host, host:port, or `*.suffix`. */
  allowedEndpointHosts: readonly string[];
  /** Extra PEM CA certificate(s) to trust for push endpoints, on top of Node's default trust store. */
  ca?: string;
  /** Gives up on a push service after this long (default 10 s). */
  timeoutMs?: number;
}

export interface SendOptions {
  /** How long the push service keeps the message for an offline phone (seconds). */
  ttlSeconds: number;
  urgency?: 'high' | 'normal';
  /** Replaces an undelivered message with the same topic (≤ 32 base64url characters). */
  topic?: string;
}

export class WebPushSender {
  readonly #vapid: { subject: string; publicKey: string; privateKey: string };
  readonly #allowedEndpointHosts: readonly string[];
  readonly #agent: https.Agent | undefined;
  readonly #timeoutMs: number;

  constructor(options: WebPushSenderOptions) {
    let subject: URL | null = null;
    try {
      subject = new URL(options.subject);
    } catch {
      // refused below
    }
    if (subject?.protocol !== 'mailto:' && subject?.protocol !== 'https:') {
      throw new ConfigError('VAPID_SUBJECT', `"${options.subject}" must be a mailto: address or an https: URL`, `"${options.subject}" は mailto: アドレスか https: URL である必要があります`);
    }
    this.#vapid = { subject: options.subject, publicKey: options.vapid.publicKey, privateKey: options.vapid.privateKey };
    this.#allowedEndpointHosts = [...options.allowedEndpointHosts];
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    // `ca` on an agent replaces the trust store, so keep the default roots (bundled, system when
    // enabled, NODE_EXTRA_CA_CERTS) and add the extra CA to them.
    this.#agent = options.ca === undefined
      ? undefined
      : new https.Agent({ keepAlive: true, ca: [...tls.getCACertificates('default'), options.ca] });
  }

  /**
   * Encrypts and posts `payload` (as JSON) to the subscription. 'sent' when the push service took
   * it, 'gone' when the subscription no longer exists (404/410: remove it). Throws
   * PushEndpointNotAllowedError before sending anything when the endpoint is not allowed, and
   * PushDeliveryError for every other failure.
   */
  async send(subscription: PushSubscriptionRecord, payload: object, options: SendOptions): Promise<'sent' | 'gone'> {
    const url = allowedEndpoint(subscription.endpoint, this.#allowedEndpointHosts);
    if (!url) throw new PushEndpointNotAllowedError();
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    if (body.length > MAX_PAYLOAD_BYTES) {
      throw new PushDeliveryError(null, { cause: new RangeError(`push payload is ${body.length} bytes; at most ${MAX_PAYLOAD_BYTES} fit one message`) });
    }
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 0) {
      throw new PushDeliveryError(null, { cause: new RangeError(`ttlSeconds must be a non-negative integer, not ${options.ttlSeconds}`) });
    }
    const request: webpush.RequestOptions = {
      vapidDetails: this.#vapid,
      TTL: options.ttlSeconds,
      urgency: options.urgency ?? 'normal',
      contentEncoding: 'aes128gcm',
      timeout: this.#timeoutMs,
    };
    if (options.topic !== undefined) request.topic = options.topic;
    if (this.#agent) request.agent = this.#agent;

    let timer: NodeJS.Timeout | undefined;
    // web-push's timeout is an idle-socket timeout; this bounds the whole exchange as well.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`push service did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    // web-push is loaded with the first message, not at start (RSS of a process that sends none).
    const { default: webpush } = await import('web-push');
    try {
      await Promise.race([
        webpush.sendNotification({ endpoint: url.href, keys: subscription.keys }, body, request),
        deadline,
      ]);
      return 'sent';
    } catch (err) {
      if (err instanceof webpush.WebPushError) {
        if (err.statusCode === 404 || err.statusCode === 410) return 'gone';
        throw new PushDeliveryError(err.statusCode, { cause: err });
      }
      throw new PushDeliveryError(null, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the kept-alive connections of the extra-CA agent (when there is one). */
  close(): void {
    this.#agent?.destroy();
  }
}
