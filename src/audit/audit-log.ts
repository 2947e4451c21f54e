// Writes security events to the append-only audit collection. Never throws into the caller's
// flow for a logging failure: the event is logged as an error instead, so an unavailable audit
// store cannot lock users out (it still shows up in the process log for operators).
//
// Requests from strangers must not grow the audit store without bound: every free-text value (the
// User-Agent, the address a proxy forwarded, paths, typed addresses, names) is cut to a sane
// length, and events that concern no account (nobody signed in, nothing known was named) are kept
// only up to the `auditUnauthenticated` limit per source address and hour (limits.ts); past it they
// are counted in the process log instead.
import type { Logger } from '../log.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { AuditRepository } from '../store/types.ts';

/** Who did it and from where; the HTTP edge builds it from the request (http/audit-context.ts). */
export interface AuditContext {
  ip: string | null;
  userAgent: string | null;
  actor: string;
  /**
   * The actor proved who it is (a signed-in operator, a personal or bootstrap token, tobira's own
   * schedule): its events about no account (partners, keys) are always kept, never counted
   * against the cap on strangers' events (auditUnauthenticated).
   */
  accountable?: boolean;
}

/** Told of every event as it is recorded (the metrics count them). */
export type AuditObserver = (type: string, details: Record<string, unknown>) => void;

/** Longer than any real browser's User-Agent (about 150-300 characters). */
export const MAX_USER_AGENT_CHARS = 512;
/** Longer than any IPv6 address with a zone. */
export const MAX_IP_CHARS = 64;
/** Any other text in an event: e-mail addresses, names, paths, credential ids. */
export const MAX_DETAIL_CHARS = 512;
/** Nesting kept in details; deeper values are replaced by a marker. */
const MAX_DETAIL_DEPTH = 4;
/** Entries kept of one array or object in details. */
const MAX_DETAIL_ENTRIES = 50;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cut(value, MAX_DETAIL_CHARS);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_DETAIL_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.slice(0, MAX_DETAIL_ENTRIES).map((item) => bounded(item, depth + 1));
  return Object.fromEntries(Object.entries(value).slice(0, MAX_DETAIL_ENTRIES).map(([key, item]) => [cut(key, 64), bounded(item, depth + 1)]));
}

export class AuditLog {
  readonly #events: AuditRepository;
  readonly #logger: Logger;
  readonly #limiter: Pick<RateLimiter, 'hit'> | undefined;
  readonly #observe: AuditObserver | undefined;

  /** Without a limiter (unit tests), events about no account are all kept. */
  constructor(events: AuditRepository, logger: Logger, limiter?: Pick<RateLimiter, 'hit'>, observe?: AuditObserver) {
    this.#events = events;
    this.#logger = logger;
    this.#limiter = limiter;
    this.#observe = observe;
  }

  async record(type: string, accountId: string | null, context: AuditContext, details: Record<string, unknown> = {}): Promise<void> {
    this.#observe?.(type, details);
    try {
      const ip = context.ip === null ? null : cut(context.ip, MAX_IP_CHARS);
      if (accountId === null && context.accountable !== true && this.#limiter && (await this.#limiter.hit('auditUnauthenticated', ip ?? 'unknown')).over) {
        this.#logger.info({ audit: { type, ip } }, 'audit event not stored: too many events about no account from this address');
        return;
      }
      await this.#events.append({
        type,
        accountId,
        actor: cut(context.actor, MAX_DETAIL_CHARS),
        ip,
        userAgent: context.userAgent === null ? null : cut(context.userAgent, MAX_USER_AGENT_CHARS),
        details: bounded(details) as Record<string, unknown>,
        at: new Date(),
      });
    } catch (err) {
      this.#logger.error({ err, audit: { type, accountId, details: bounded(details) } }, 'audit event could not be stored');
    }
  }
}
