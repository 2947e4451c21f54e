// The audit log as an append-only array: there is deliberately no method to change or drop events.
import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditRepository, NewAuditEvent } from '../types.ts';
import { assertLimit } from '../arguments.ts';
import { copyRecord } from '../copy.ts';

interface StoredEvent {
  event: AuditEvent;
  /** Insertion order, to keep events with the same `at` newest-first too. */
  seq: number;
}

function copyEvent(event: AuditEvent): AuditEvent {
  return {
    id: event.id,
    at: new Date(event.at),
    type: event.type,
    accountId: event.accountId,
    actor: event.actor,
    ip: event.ip,
    userAgent: event.userAgent,
    details: copyRecord(event.details),
  };
}

function newestFirst(a: StoredEvent, b: StoredEvent): number {
  return b.event.at.getTime() - a.event.at.getTime() || b.seq - a.seq;
}

export class MemoryAudit implements AuditRepository {
  readonly #events: StoredEvent[] = [];
  #seq = 0;

  async append(input: NewAuditEvent): Promise<AuditEvent> {
    const event = copyEvent({ ...input, id: randomUUID() });
    this.#seq += 1;
    this.#events.push({ event, seq: this.#seq });
    return copyEvent(event);
  }

  async listByAccount(accountId: string, limit: number, types?: readonly string[]): Promise<AuditEvent[]> {
    assertLimit(limit);
    return this.#select((event) => event.accountId === accountId && (types === undefined || types.includes(event.type)), limit);
  }

  async list(options: { type?: string; limit: number }): Promise<AuditEvent[]> {
    assertLimit(options.limit);
    const { type } = options;
    return this.#select((event) => type === undefined || event.type === type, options.limit);
  }

  #select(matches: (event: AuditEvent) => boolean, limit: number): AuditEvent[] {
    return this.#events
      .filter(({ event }) => matches(event))
      .sort(newestFirst)
      .slice(0, limit)
      .map(({ event }) => copyEvent(event));
  }
}
