// Push sign-in approvals by id. decide() checks and writes with no await in between, so within the
// process exactly one decider wins.
//
// An approval reads as undefined from its expiresAt on, but stays in the map for
// APPROVAL_RETENTION_MS longer, so the hourly cap (createWithinCaps, countCreatedSince) still counts it; only
// then does the sweep delete it. The mongo store keeps the same retention.
import { DuplicateKeyError } from '../errors.ts';
import type { Approval, ApprovalCaps, ApprovalDecision, ApprovalRepository, CappedCreation } from '../types.ts';
import { APPROVAL_RETENTION_MS, assertDecisionStatus } from '../arguments.ts';
import { footprintOf, type Footprint } from './footprint.ts';

/** A copy that shares nothing with `approval`: exactly the Approval fields. */
function copyApproval(approval: Approval): Approval {
  return {
    id: approval.id,
    accountId: approval.accountId,
    origin: { ...approval.origin },
    matching: approval.matching,
    number: approval.number,
    choices: [...approval.choices],
    context: { ...approval.context },
    status: approval.status,
    createdAt: new Date(approval.createdAt),
    expiresAt: new Date(approval.expiresAt),
    decidedAt: approval.decidedAt === null ? null : new Date(approval.decidedAt),
    decidedBy: approval.decidedBy,
    userVerified: approval.userVerified,
  };
}

/** Newest first; the id breaks ties, as in the mongo store. */
function newestFirst(a: Approval, b: Approval): number {
  const diff = b.createdAt.getTime() - a.createdAt.getTime();
  if (diff !== 0) return diff;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

export class MemoryApprovals implements ApprovalRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, Approval>();
  /** Approvals that signed someone in (complete()); swept with them. */
  readonly #completed = new Set<string>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(approval: Approval): Promise<void> {
    if (this.#byId.has(approval.id)) throw new DuplicateKeyError('id');
    this.#byId.set(approval.id, copyApproval(approval));
  }

  /** Counts and creates with no await in between: within the process, the check and the write are one step. */
  async createWithinCaps(approval: Approval, caps: ApprovalCaps): Promise<CappedCreation> {
    if (this.#byId.has(approval.id)) throw new DuplicateKeyError('id');
    const now = this.#now();
    let pending = 0;
    let since = 0;
    for (const other of this.#byId.values()) {
      if (other.accountId !== approval.accountId) continue;
      if (other.status === 'pending' && other.expiresAt.getTime() > now) pending += 1;
      if (other.createdAt.getTime() >= caps.since.getTime()) since += 1;
    }
    if (pending + 1 > caps.maxPending) return 'too_many_pending';
    if (since + 1 > caps.maxSince) return 'too_many_since';
    this.#byId.set(approval.id, copyApproval(approval));
    return 'created';
  }

  async find(id: string): Promise<Approval | undefined> {
    const approval = this.#live(id);
    return approval ? copyApproval(approval) : undefined;
  }

  async listPending(accountId: string): Promise<Approval[]> {
    const now = this.#now();
    return [...this.#byId.values()]
      .filter((approval) => approval.accountId === accountId && approval.status === 'pending' && approval.expiresAt.getTime() > now)
      .sort(newestFirst)
      .map(copyApproval);
  }

  async pendingAmong(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.#live(id)?.status === 'pending'));
  }

  async decide(id: string, decision: ApprovalDecision): Promise<Approval | undefined> {
    assertDecisionStatus(decision.status);
    const approval = this.#live(id);
    if (approval?.status !== 'pending') return undefined;
    approval.status = decision.status;
    approval.decidedAt = new Date(decision.at);
    approval.decidedBy = decision.deviceId;
    approval.userVerified = decision.userVerified;
    return copyApproval(approval);
  }

  async complete(id: string): Promise<boolean> {
    if (this.#live(id)?.status !== 'approved' || this.#completed.has(id)) return false;
    this.#completed.add(id);
    return true;
  }

  async countCreatedSince(accountId: string, since: Date): Promise<number> {
    let count = 0;
    for (const approval of this.#byId.values()) {
      if (approval.accountId === accountId && approval.createdAt.getTime() >= since.getTime()) count += 1;
    }
    return count;
  }

  #live(id: string): Approval | undefined {
    const approval = this.#byId.get(id);
    return approval && approval.expiresAt.getTime() > this.#now() ? approval : undefined;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [id, approval] of this.#byId) {
      if (approval.expiresAt.getTime() + APPROVAL_RETENTION_MS <= now) {
        this.#byId.delete(id);
        this.#completed.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#byId.values());
  }
}
