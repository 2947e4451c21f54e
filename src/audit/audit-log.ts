// Writes security events to the append-only audit collection. Never throws into the caller's
// flow for a logging failure: the event is logged as an error instead, so an unavailable audit
// store cannot lock users out (it still shows up in the process log for operators).
import type { Logger } from '../log.ts';
import type { AuditRepository } from '../store/types.ts';

/** Who did it and from where; the HTTP edge builds it from the request (http/audit-context.ts). */
export interface AuditContext {
  ip: string | null;
  userAgent: string | null;
  actor: string;
}

/** Told of every event as it is recorded (the metrics count them). */
export type AuditObserver = (type: string, details: Record<string, unknown>) => void;

export class AuditLog {
  readonly #events: AuditRepository;
  readonly #logger: Logger;
  readonly #observe: AuditObserver | undefined;

  constructor(events: AuditRepository, logger: Logger, observe?: AuditObserver) {
    this.#events = events;
    this.#logger = logger;
    this.#observe = observe;
  }

  async record(type: string, accountId: string | null, context: AuditContext, details: Record<string, unknown> = {}): Promise<void> {
    this.#observe?.(type, details);
    try {
      await this.#events.append({ type, accountId, actor: context.actor, ip: context.ip, userAgent: context.userAgent, details, at: new Date() });
    } catch (err) {
      this.#logger.error({ err, audit: { type, accountId, details } }, 'audit event could not be stored');
    }
  }
}
