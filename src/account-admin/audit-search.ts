// An operator's search of the audit log: by account (e-mail address or id), by event types and by
// time range, newest first, one bounded page at a time. The next page is asked for with the
// `next` position the previous page returned (opaque to callers: the time and id of its last
// event). A search is itself audited (`audit.searched`): the log holds addresses, browsers and
// what users did.
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { AuditEvent, AuditQuery, AuditRepository } from '../store/types.ts';
import type { AccountLookup } from './account-lookup.ts';
import { lookupTerm } from './account-lookup.ts';
import { AuditQueryInvalidError } from './errors.ts';

/** Events on one page unless asked for fewer. */
export const AUDIT_PAGE_DEFAULT = 50;
/** The most events one page holds: a page is read and sent at once. */
export const AUDIT_PAGE_MAX = 200;
/** Types one search may name. */
export const AUDIT_TYPES_MAX = 20;
/** Dotted lower-case event names (`login.failed`). */
const EVENT_TYPE = /^[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,3}$/;
const POSITION = /^(\d{1,15})\.([A-Za-z0-9-]{1,64})$/;

export interface AuditSearchInput {
  /** An e-mail address or account id; an address must name an account, an id need not (its account may be gone). */
  account?: string;
  types?: readonly string[];
  from?: Date;
  to?: Date;
  /** The `next` of the previous page. */
  next?: string;
  limit?: number;
}

export interface AuditPage {
  events: AuditEvent[];
  /** Where the next page starts, or null when this page is the last. */
  next: string | null;
}

export interface AuditSearchDeps {
  events: Pick<AuditRepository, 'search'>;
  lookup: Pick<AccountLookup, 'find'>;
  audit: AuditLog;
}

function positionOf(event: AuditEvent): string {
  return `${event.at.getTime()}.${event.id}`;
}

function readPosition(next: string): AuditQuery['after'] {
  const match = POSITION.exec(next);
  if (!match) throw new AuditQueryInvalidError('next');
  return { at: new Date(Number(match[1])), id: match[2] as string };
}

export class AuditSearch {
  readonly #d: AuditSearchDeps;

  constructor(deps: AuditSearchDeps) {
    this.#d = deps;
  }

  /**
   * One page, newest first. AuditQueryInvalidError names the first condition that is not valid.
   * The search is recorded under the searched account, else under the operator's own
   * (`operatorAccountId`): an event about no account would count against the per-address cap on
   * such events (limits.ts's auditUnauthenticated), and an operator's searches must all be kept.
   */
  async search(input: AuditSearchInput, audit: AuditContext, operatorAccountId: string | null): Promise<AuditPage> {
    const limit = input.limit ?? AUDIT_PAGE_DEFAULT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX) throw new AuditQueryInvalidError('limit');
    const types = input.types === undefined ? undefined : [...new Set(input.types)];
    if (types !== undefined && (types.length === 0 || types.length > AUDIT_TYPES_MAX || !types.every((type) => EVENT_TYPE.test(type)))) throw new AuditQueryInvalidError('type');
    for (const [field, at] of [['from', input.from], ['to', input.to]] as const) {
      if (at !== undefined && Number.isNaN(at.getTime())) throw new AuditQueryInvalidError(field);
    }
    if (input.from && input.to && input.from >= input.to) throw new AuditQueryInvalidError('to');
    const after = input.next === undefined ? undefined : readPosition(input.next);
    const accountId = input.account === undefined ? undefined : await this.#accountId(input.account);
    const query: AuditQuery = {
      ...(accountId === undefined ? {} : { accountId }),
      ...(types === undefined ? {} : { types }),
      ...(input.from === undefined ? {} : { from: input.from }),
      ...(input.to === undefined ? {} : { to: input.to }),
      ...(after === undefined ? {} : { after }),
      // One more than shown tells whether there is a next page.
      limit: limit + 1,
    };
    const found = await this.#d.events.search(query);
    const events = found.slice(0, limit);
    const last = events.at(-1);
    await this.#d.audit.record('audit.searched', accountId ?? operatorAccountId, audit, {
      account: accountId ?? null, types: types ?? null, from: input.from ?? null, to: input.to ?? null, page: input.next ?? null, shown: events.length,
    });
    return { events, next: found.length > limit && last ? positionOf(last) : null };
  }

  async #accountId(term: string): Promise<string> {
    const parsed = lookupTerm(term);
    return 'id' in parsed ? parsed.id : (await this.#d.lookup.find(term)).id;
  }
}
