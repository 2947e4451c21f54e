// What the operator API and the console accept for the account and audit-log operations: one
// schema per form, shared by both, so a field is refused alike wherever it is typed. The rules on
// the values (what a lookup term is, the page cap, the event type names) are the services'
// (account-admin/); these only read text into them.
import { z } from 'zod';
import type { AuditSearchInput } from '../account-admin/audit-search.ts';
import { AuditQueryInvalidError } from '../account-admin/errors.ts';
import { hasControlCharacters } from '../flows/recovery/service.ts';

/** Printable text, new lines and tabs: a note an operator reads later, in a terminal too. */
const note = (min: number) => z.string().trim().min(min).max(500).refine((text) => !hasControlCharacters(text));

/** Disabling needs a reason: it is kept with the account and shown to the next operator. */
export const disableForm = z.object({ reason: note(1) });
/** A recovery started for the account: the operator's note becomes the request's message. */
export const recoveryForm = z.object({ note: note(1) });

/** An absolute time (ISO 8601 with a zone, or epoch milliseconds). */
const time = z.string().trim().max(40).regex(/^(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?|\d{1,15})$/);

const auditQuery = z.object({
  account: z.string().trim().max(320).optional(),
  /** Comma-separated event types. */
  type: z.string().trim().max(1000).optional(),
  from: time.optional(),
  to: time.optional(),
  next: z.string().trim().max(100).optional(),
  limit: z.string().trim().regex(/^\d{1,4}$/).optional(),
});

function toDate(text: string): Date {
  return /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text);
}

/**
 * The audit search as typed (query string or form): empty fields are absent. A malformed field is
 * refused by its name (AuditQueryInvalidError); what the values must be is AuditSearch's rule.
 */
export function auditSearchInput(query: unknown): AuditSearchInput {
  const raw = typeof query === 'object' && query !== null ? Object.fromEntries(Object.entries(query).filter(([, value]) => value !== '')) : query;
  for (const [field, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (!(field in auditQuery.shape)) throw new AuditQueryInvalidError(field);
    if (typeof value !== 'string') throw new AuditQueryInvalidError(field);
  }
  const result = auditQuery.safeParse(raw ?? {});
  if (!result.success) throw new AuditQueryInvalidError(String(result.error.issues[0]?.path[0] ?? 'query'));
  const input = result.data;
  return {
    ...(input.account ? { account: input.account } : {}),
    ...(input.type ? { types: input.type.split(',').map((type) => type.trim()).filter((type) => type !== '') } : {}),
    ...(input.from ? { from: toDate(input.from) } : {}),
    ...(input.to ? { to: toDate(input.to) } : {}),
    ...(input.next ? { next: input.next } : {}),
    ...(input.limit ? { limit: Number(input.limit) } : {}),
  };
}
