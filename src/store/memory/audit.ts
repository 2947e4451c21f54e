// The audit log as append-only arrays: there is deliberately no method to change or drop events;
// the store itself forgets the oldest past its cap (DEFAULT_MAX_AUDIT_EVENTS, below).
//
// Indexed like the mongo collection: every event sits in one list kept in time order, and in the
// list of its account and of its type. A search walks back from the newest match of the narrowest
// list (binary search to its upper bound), so it touches the events it returns, plus those of the
// list that fail its other conditions, never the whole log.
import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditQuery, AuditRepository, NewAuditEvent } from '../types.ts';
import { assertLimit } from '../arguments.ts';
import { copyRecord } from '../copy.ts';
import { footprintOf, type Footprint } from './footprint.ts';

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

/** (at, seq) compared: the order of every list, oldest first. */
function compareKey(stored: StoredEvent, atMs: number, seq: number): number {
  return stored.event.at.getTime() - atMs || stored.seq - seq;
}

/** The first index whose event is at or after (atMs, seq); the list's length when there is none. */
function lowerBound(list: readonly StoredEvent[], atMs: number, seq: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKey(list[middle] as StoredEvent, atMs, seq) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Inserts in order; events mostly arrive in time order, so this is mostly an append. */
function insertSorted(list: StoredEvent[], stored: StoredEvent): void {
  const last = list.at(-1);
  if (!last || compareKey(last, stored.event.at.getTime(), stored.seq) < 0) list.push(stored);
  else list.splice(lowerBound(list, stored.event.at.getTime(), stored.seq), 0, stored);
}

function indexed(index: Map<string, StoredEvent[]>, key: string, stored: StoredEvent): void {
  const list = index.get(key);
  if (list) insertSorted(list, stored);
  else index.set(key, [stored]);
}

/**
 * Events the memory store keeps. Every sign-in appends two, so an unbounded log is the one thing
 * of the development store that grows for ever under load (a soak of 20 000 sign-ins: 40 000
 * events, ≈ 1 KB of heap each). Past the cap the oldest tenth goes at once (so trimming is rare
 * and its cost shared by many appends); the mongo store keeps every event.
 */
export const DEFAULT_MAX_AUDIT_EVENTS = 10_000;

/** Drops the events before `cutoff` (a prefix: every list is in the same order). */
function dropBefore(index: Map<string, StoredEvent[]>, cutoff: StoredEvent): void {
  for (const [key, list] of index) {
    const end = lowerBound(list, cutoff.event.at.getTime(), cutoff.seq);
    if (end === list.length) index.delete(key);
    else if (end > 0) list.splice(0, end);
  }
}

export class MemoryAudit implements AuditRepository {
  readonly #events: StoredEvent[] = [];
  readonly #byAccount = new Map<string, StoredEvent[]>();
  readonly #byType = new Map<string, StoredEvent[]>();
  readonly #seqById = new Map<string, number>();
  readonly #maxEvents: number;
  #seq = 0;

  constructor(maxEvents = DEFAULT_MAX_AUDIT_EVENTS) {
    this.#maxEvents = maxEvents;
  }

  async append(input: NewAuditEvent): Promise<AuditEvent> {
    const event = copyEvent({ ...input, id: randomUUID() });
    this.#seq += 1;
    const stored = { event, seq: this.#seq };
    insertSorted(this.#events, stored);
    if (event.accountId !== null) indexed(this.#byAccount, event.accountId, stored);
    indexed(this.#byType, event.type, stored);
    this.#seqById.set(event.id, stored.seq);
    if (this.#events.length > this.#maxEvents) this.#dropOldest(this.#events.length - this.#maxEvents + Math.floor(this.#maxEvents / 10));
    return copyEvent(event);
  }

  /** Forgets the `count` oldest events, from every list. */
  #dropOldest(count: number): void {
    const cutoff = this.#events[Math.min(count, this.#events.length - 1)] as StoredEvent;
    for (const { event } of this.#events.splice(0, count)) this.#seqById.delete(event.id);
    dropBefore(this.#byAccount, cutoff);
    dropBefore(this.#byType, cutoff);
  }

  async listByAccount(accountId: string, limit: number, types?: readonly string[]): Promise<AuditEvent[]> {
    return this.search({ accountId, ...(types === undefined ? {} : { types }), limit });
  }

  async list(options: { type?: string; limit: number }): Promise<AuditEvent[]> {
    return this.search({ ...(options.type === undefined ? {} : { types: [options.type] }), limit: options.limit });
  }

  async search(query: AuditQuery): Promise<AuditEvent[]> {
    assertLimit(query.limit);
    const { accountId, types } = query;
    if (types?.length === 0) return [];
    const wanted = types === undefined ? undefined : new Set(types);
    let found: StoredEvent[];
    if (accountId !== undefined) {
      found = this.#walk(this.#byAccount.get(accountId) ?? [], query, (event) => wanted === undefined || wanted.has(event.type));
    } else if (wanted !== undefined) {
      // Each type's newest matches, merged: the newest `limit` of all are among them.
      found = [...wanted].flatMap((type) => this.#walk(this.#byType.get(type) ?? [], query, () => true));
      found.sort((a, b) => compareKey(b, a.event.at.getTime(), a.seq));
    } else {
      found = this.#walk(this.#events, query, () => true);
    }
    return found.slice(0, query.limit).map(({ event }) => copyEvent(event));
  }

  /** Up to `limit` events of `list` that match, newest first, within the query's time bounds. */
  #walk(list: readonly StoredEvent[], query: AuditQuery, matches: (event: AuditEvent) => boolean): StoredEvent[] {
    let end = list.length;
    if (query.to !== undefined) end = Math.min(end, lowerBound(list, query.to.getTime(), Number.NEGATIVE_INFINITY));
    if (query.after !== undefined) {
      const seq = this.#seqById.get(query.after.id) ?? Number.NEGATIVE_INFINITY;
      end = Math.min(end, lowerBound(list, query.after.at.getTime(), seq));
    }
    const fromMs = query.from?.getTime() ?? Number.NEGATIVE_INFINITY;
    const found: StoredEvent[] = [];
    for (let i = end - 1; i >= 0 && found.length < query.limit; i -= 1) {
      const stored = list[i] as StoredEvent;
      if (stored.event.at.getTime() < fromMs) break;
      if (matches(stored.event)) found.push(stored);
    }
    return found;
  }

  /** Static, so the log offers no method beyond the port's (its append-only contract checks). */
  static footprint(audit: MemoryAudit): Footprint {
    return footprintOf(audit.#events.map((stored) => stored.event));
  }
}
