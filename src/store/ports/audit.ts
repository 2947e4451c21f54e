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

export interface AuditRepository {
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Newest first; with `types`, only events of those types (e.g. the sign-in history). */
  listByAccount(accountId: string, limit: number, types?: readonly string[]): Promise<AuditEvent[]>;
  /** Newest first, optionally of one type. */
  list(options: { type?: string; limit: number }): Promise<AuditEvent[]>;
}
