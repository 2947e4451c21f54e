// The signing key lifecycle's operations, by command (operator API, CLI) and by schedule, each
// audited. The rules are signing-key-lifecycle.ts; the stored set and this process's copy of it are
// signing-key-ring.ts. Every change is a compare-and-set at the revision it was decided on.
//
// The schedule needs no lock of its own: every process checks it, each computes the same step from
// the same revision, and the store lets exactly one replace that revision (that write is the
// claim); the others then see the new set and have nothing left to do. Only the winner audits.
//
// With SIGNING_KEYS_FILE every operation is refused (SigningKeysFromFileError): the keys are the file's.
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { SigningKeysBusyError, SigningKeysFromFileError } from './signing-key-errors.ts';
import {
  expired,
  inState,
  liveKeys,
  promotableAt,
  promoted,
  retired,
  ROTATED_ALGS,
  scheduledStep,
  withNext,
  type KeySet,
  type KeyState,
  type LifecycleTimes,
  type ScheduledStep,
} from './signing-key-lifecycle.ts';
import type { SigningKeyRing } from './signing-key-ring.ts';
import { generateSigningKey } from './signing-keys.ts';

/** How the schedule names itself in the audit log. */
export const SCHEDULE_ACTOR: AuditContext = { actor: 'system:key-schedule', ip: null, userAgent: null, accountable: true };

/** Tries of one change when other writers keep winning the race; then SigningKeysBusyError. */
const MAX_TRIES = 5;

export interface SigningKeyServiceDeps {
  ring: SigningKeyRing;
  audit: Pick<AuditLog, 'record'>;
  times: LifecycleTimes;
  now: () => number;
}

/** One key as the operator API shows it: never the private part. */
export interface SigningKeyView {
  kid: string;
  alg: string;
  state: KeyState | 'file';
  generation: number | null;
  createdAt: string | null;
  /** For a next key: from when it may be promoted. */
  promotableAt: string | null;
  promotedAt: string | null;
  retiredAt: string | null;
  /** For a retired key: when it leaves /jwks. */
  removeAt: string | null;
}

export interface SigningKeyListing {
  source: 'store' | 'file';
  keys: SigningKeyView[];
  /** The settings the rules run on, so an operator sees why a step is (not yet) allowed. */
  publishSeconds: number;
  retainSeconds: number;
  rotationSeconds: number;
  /** When the schedule takes its next step (null: rotation off, or keys from the file). */
  nextScheduledAt: string | null;
}

export interface KeyChange {
  keys: SigningKeyView[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export class SigningKeyService {
  readonly #deps: SigningKeyServiceDeps;

  constructor(deps: SigningKeyServiceDeps) {
    this.#deps = deps;
  }

  get fromFile(): boolean {
    return this.#deps.ring.fromFile;
  }

  async list(): Promise<SigningKeyListing> {
    const { times } = this.#deps;
    const base = { publishSeconds: times.publishSeconds, retainSeconds: times.retainSeconds, rotationSeconds: times.rotationSeconds };
    const { fileKeys } = this.#deps.ring;
    if (fileKeys) {
      const keys = fileKeys.keys.map((key): SigningKeyView => ({
        kid: String(key.kid), alg: String(key.alg), state: 'file', generation: null, createdAt: null, promotableAt: null, promotedAt: null, retiredAt: null, removeAt: null,
      }));
      return { source: 'file', keys, ...base, nextScheduledAt: null };
    }
    const { set } = await this.#deps.ring.read();
    return { source: 'store', keys: this.#views(set), ...base, nextScheduledAt: iso(this.#nextScheduledAt(set)) };
  }

  #views(set: KeySet): SigningKeyView[] {
    const rank: Record<KeyState, number> = { next: 0, current: 1, retired: 2 };
    const { times, now } = this.#deps;
    return liveKeys(set, now())
      .sort((a, b) => rank[a.state] - rank[b.state] || b.generation - a.generation || a.alg.localeCompare(b.alg))
      .map((key) => ({
        kid: key.kid,
        alg: key.alg,
        state: key.state,
        generation: key.generation,
        createdAt: iso(key.createdAt),
        promotableAt: key.state === 'next' ? iso(promotableAt(key, times)) : null,
        promotedAt: iso(key.promotedAt),
        retiredAt: iso(key.retiredAt),
        removeAt: iso(key.removeAt),
      }));
  }

  /** When the schedule's next step falls due (removing an expired key, generating, promoting). */
  #nextScheduledAt(set: KeySet): number | undefined {
    const { times, now } = this.#deps;
    const removals = liveKeys(set, now()).filter((key) => key.state === 'retired').map((key) => key.removeAt ?? 0);
    const candidates = [...removals];
    if (times.rotationSeconds > 0) {
      const current = inState(set, 'current', now());
      const since = Math.max(...current.map((key) => key.promotedAt ?? key.createdAt));
      const due = since + times.rotationSeconds * 1000;
      const next = inState(set, 'next', now());
      if (next.length === 0) candidates.push(due - times.publishSeconds * 1000);
      else candidates.push(Math.max(due, ...next.map((key) => promotableAt(key, times))));
    }
    return candidates.length > 0 ? Math.min(...candidates) : undefined;
  }

  /** Generates the next generation (one key per algorithm), published at once, signing nothing yet. */
  async generate(context: AuditContext): Promise<KeyChange> {
    this.#refuseWithFile();
    // Refused before the costly key generation when a next generation already waits (checked again on write).
    const { set: stored } = await this.#deps.ring.read();
    withNext(stored, [], this.#deps.now());
    const jwks = await Promise.all(ROTATED_ALGS.map((alg) => generateSigningKey(alg)));
    const set = await this.#change((current, now) => withNext(current, jwks, now));
    const kids = jwks.map((jwk) => String(jwk.kid));
    await this.#deps.audit.record('signing_key.generated', null, context, { kids });
    return { keys: this.#views(set).filter((key) => kids.includes(key.kid)) };
  }

  /** The next keys sign from now on; the current ones retire (published until their tokens expire). */
  async promote(context: AuditContext): Promise<KeyChange> {
    this.#refuseWithFile();
    let promotedKids: string[] = [];
    let retiredKids: string[] = [];
    const set = await this.#change((current, now) => {
      promotedKids = inState(current, 'next', now).map((key) => key.kid);
      retiredKids = inState(current, 'current', now).map((key) => key.kid);
      return promoted(current, now, this.#deps.times);
    });
    await this.#deps.audit.record('signing_key.promoted', null, context, { kids: promotedKids, retiredKids });
    return { keys: this.#views(set).filter((key) => promotedKids.includes(key.kid) || retiredKids.includes(key.kid)) };
  }

  /** Retires the generation of `kid` by command (signing-key-lifecycle.ts `retired`). */
  async retire(kid: string, options: { immediately: boolean }, context: AuditContext): Promise<{ outcome: 'discarded' | 'removed'; kids: string[] }> {
    this.#refuseWithFile();
    let result: { outcome: 'discarded' | 'removed'; kids: string[] } = { outcome: 'discarded', kids: [] };
    await this.#change((current, now) => {
      const retirement = retired(current, kid, now, options);
      result = { outcome: retirement.outcome, kids: retirement.kids };
      return retirement.set;
    });
    await this.#deps.audit.record(result.outcome === 'discarded' ? 'signing_key.discarded' : 'signing_key.removed', null, context, { kids: result.kids, early: result.outcome === 'removed' });
    return result;
  }

  /**
   * Takes every step of the schedule that is due (remove expired keys, generate, promote), each
   * race-safe against the other processes doing the same; returns the steps this process took.
   */
  async runSchedule(): Promise<ScheduledStep[]> {
    if (this.fromFile) return [];
    const taken: ScheduledStep[] = [];
    for (let steps = 0; steps < 3; steps += 1) {
      const { set, revision } = await this.#deps.ring.read();
      const step = scheduledStep(set, this.#deps.now(), this.#deps.times);
      if (!step) break;
      if (await this.#scheduled(step, set, revision)) taken.push(step);
    }
    return taken;
  }

  /** One scheduled step at the revision it was decided on; false when another process took it first. */
  async #scheduled(step: ScheduledStep, set: KeySet, revision: number): Promise<boolean> {
    const now = this.#deps.now();
    let next: KeySet;
    let details: Record<string, unknown>;
    if (step === 'remove') {
      const gone = expired(set, now);
      next = { keys: set.keys.filter((key) => !gone.includes(key)) };
      details = { kids: gone.map((key) => key.kid), early: false };
    } else if (step === 'generate') {
      const jwks = await Promise.all(ROTATED_ALGS.map((alg) => generateSigningKey(alg)));
      next = withNext(set, jwks, now);
      details = { kids: jwks.map((jwk) => jwk.kid) };
    } else {
      details = { kids: inState(set, 'next', now).map((key) => key.kid), retiredKids: inState(set, 'current', now).map((key) => key.kid) };
      next = promoted(set, now, this.#deps.times);
    }
    if (!await this.#deps.ring.write(revision, next)) return false;
    const type = step === 'remove' ? 'signing_key.removed' : step === 'generate' ? 'signing_key.generated' : 'signing_key.promoted';
    await this.#deps.audit.record(type, null, SCHEDULE_ACTOR, { ...details, scheduled: true });
    return true;
  }

  /**
   * Applies a rule to the latest stored set and writes the result at the revision it was read at;
   * when another writer got there first, reads again and re-applies the rule (which may now refuse).
   */
  async #change(rule: (set: KeySet, now: number) => KeySet): Promise<KeySet> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
      const stored = await this.#deps.ring.read();
      const next = rule(stored.set, this.#deps.now());
      if (await this.#deps.ring.write(stored.revision, next)) return next;
    }
    throw new SigningKeysBusyError();
  }

  #refuseWithFile(): void {
    if (this.fromFile) throw new SigningKeysFromFileError();
  }
}
