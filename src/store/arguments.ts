// Argument checks and comparisons both store adapters apply in the same way.
import { timingSafeEqual } from 'node:crypto';

/** Constant-time for equal lengths; the lengths of hex digests reveal nothing. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function assertWindowSeconds(windowSeconds: number): void {
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new RangeError(`windowSeconds must be a positive number of seconds, got ${windowSeconds}`);
  }
}

/** MongoDB reads a limit of 0 as "no limit", so both adapters refuse anything but a positive integer. */
export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

/**
 * How long an approval is kept after it expires: reads hide it at expiry, but the hourly cap
 * (createWithinCaps, countCreatedSince) must still count it.
 */
export const APPROVAL_RETENTION_MS = 24 * 3600_000;

const DECISION_STATUSES: ReadonlySet<string> = new Set(['approved', 'denied', 'reported', 'withdrawn']);

/** The type already says so; this keeps a caller outside TypeScript from "deciding" back to pending. */
export function assertDecisionStatus(status: string): void {
  if (!DECISION_STATUSES.has(status)) throw new RangeError(`a decision must be approved, denied, reported or withdrawn, got ${status}`);
}
