// The append-only audit log.

/** One security-relevant event. Append-only: never updated or deleted by tobira. */
export interface AuditEvent {
  id: string;
  at: Date;
  /** Dotted event name, e.g. `passkey.registered`, `login.failed`, `passkey.counter_regression`. */
  type: string;
  /** The account concerned, when there is one. */
  accountId: string | null;
  /** Who acted: 'user', 'operator:<account id>:<e-mail>' (or 'operator:bootstrap-token'), 'system'. */
  actor: string;
  ip: string | null;
  userAgent: string | null;
  /** Event-specific, JSON-serialisable details (never secrets). */
  details: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

/** Where a page of a search ended: its last event's time and id. */
export interface AuditPosition {
  at: Date;
  id: string;
}

/** An operator's search of the log. Every condition given must hold. */
export interface AuditQuery {
  accountId?: string;
  /** Only events of these types; an empty list matches nothing. */
  types?: readonly string[];
  /** Events at or after this time. */
  from?: Date;
  /** Events strictly before this time. */
  to?: Date;
  /**
   * The next page: only events that come after this one, newest first (older, or as old and
   * appended earlier). An id the store did not make continues strictly before its time.
   */
  after?: AuditPosition;
  limit: number;
}

export interface AuditRepository {
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Newest first; with `types`, only events of those types (e.g. the sign-in history). */
  listByAccount(accountId: string, limit: number, types?: readonly string[]): Promise<AuditEvent[]>;
  /** Newest first, optionally of one type. */
  list(options: { type?: string; limit: number }): Promise<AuditEvent[]>;
  /**
   * Newest first, up to `limit`. Served by an index on the account (or on the type, or on the
   * time alone), so the work is bounded by the events it pages through, not by the size of the log.
   */
  search(query: AuditQuery): Promise<AuditEvent[]>;
}
