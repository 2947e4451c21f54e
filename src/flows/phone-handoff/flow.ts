// Phone setup from a signed-in PC (パスキー端末設定 by hand-off) as a flow:
//
//   waiting ──(one phone enters the code)──▶ claimed ──(that phone registered its passkey and
//      │                                        │        notifications)──▶ completed
//      │                                        ├──(that phone: "this wasn't me / cancel")──▶ refused
//      └──────────────(its time runs out)───────┴──▶ expired
//
// The PC (signed in recently, at the account's strength) makes a hand-off and shows its short code,
// as text and as a QR code of the short link. Only the SHA-256 of the code is stored. The first phone
// to enter it claims the hand-off for itself with a random key of its own (held in its flow cookie,
// stored hashed): the code is then used up, and every later step must come from that phone. The
// record lives in the store (store/ports/phone-handoffs.ts), which makes claim and completion
// single-winner; the rules on a record read back are here. A completed hand-off stays readable a
// little longer, so a PC that polls late still hears "ready".
import { createHash, randomInt } from 'node:crypto';
import type { PhoneHandoff } from '../../store/types.ts';
import { PhoneHandoffInvalidError } from './errors.ts';

export type PhoneHandoffState = 'waiting' | 'claimed' | 'completed' | 'refused' | 'expired';

/** The allowed transitions: a waiting hand-off is claimed once or runs out; a claimed one completes or runs out. */
export const TRANSITIONS: Readonly<Record<PhoneHandoffState, readonly PhoneHandoffState[]>> = {
  waiting: ['claimed', 'expired'],
  claimed: ['completed', 'refused', 'expired'],
  completed: [],
  refused: [],
  expired: [],
};

/** How long the PC can still read a completed hand-off (it polls every few seconds). */
export const COMPLETED_VISIBLE_MS = 10 * 60_000;

/**
 * The short code's letters: the TV codes' base-20 (no vowels, so no words; no digits to confuse with
 * letters). Eight of them: 20^8 ≈ 2.6·10^10, with a few minutes of life, single use and tries
 * counted per address (limits.ts phoneHandoffCodeTries).
 */
export const CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const CODE_LENGTH = 8;

/** A new random code, without the dash. */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** As shown and typed: ABCD-EFGH. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The code as typed (any case, spaces or dashes), or undefined when it cannot be a code. */
export function normaliseCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return undefined;
  for (const letter of code) if (!CODE_ALPHABET.includes(letter)) return undefined;
  return code;
}

export function codeHash(code: string): string {
  return createHash('sha256').update(`phone-handoff:${code}`).digest('hex');
}

/** SHA-256 of the key a claiming phone holds. */
export function phoneKeyHash(key: string): string {
  return createHash('sha256').update(`phone-handoff-phone:${key}`).digest('hex');
}

export function expiresAt(now: number, ttlSeconds: number): Date {
  return new Date(now + ttlSeconds * 1000);
}

/** A new hand-off for the account and the PC session, waiting for a phone. */
export function started(input: { id: string; code: string; accountId: string; pcSessionUid: string; now: number; ttlSeconds: number }): PhoneHandoff {
  return {
    id: input.id,
    codeHash: codeHash(input.code),
    accountId: input.accountId,
    pcSessionUid: input.pcSessionUid,
    status: 'waiting',
    phoneKeyHash: null,
    enrolmentTicketId: null,
    deviceName: null,
    createdAt: new Date(input.now),
    expiresAt: expiresAt(input.now, input.ttlSeconds),
  };
}

/** The state of a hand-off the store handed back (or did not: gone counts as expired), by tobira's clock. */
export function stateOf(handoff: PhoneHandoff | undefined, now: number): PhoneHandoffState {
  if (!handoff) return 'expired';
  if (handoff.status === 'completed' || handoff.status === 'refused') return handoff.status;
  return handoff.expiresAt.getTime() <= now ? 'expired' : handoff.status;
}

/** The hand-off, when a phone may claim it now; one refusal for every way it may not. */
export function requireWaiting(handoff: PhoneHandoff | undefined, now: number): PhoneHandoff {
  if (!handoff || stateOf(handoff, now) !== 'waiting') throw new PhoneHandoffInvalidError();
  return handoff;
}

/** The hand-off, when the phone holding `key` claimed it and may finish; one refusal otherwise. */
export function requireClaimedBy(handoff: PhoneHandoff | undefined, key: string, now: number): PhoneHandoff {
  if (!handoff || stateOf(handoff, now) !== 'claimed' || handoff.phoneKeyHash !== phoneKeyHash(key)) throw new PhoneHandoffInvalidError();
  return handoff;
}

/** What the PC that made the hand-off may see of it; another session sees an expired one. */
export function pcView(handoff: PhoneHandoff | undefined, pc: { accountId: string; sessionUid: string }, now: number): { state: PhoneHandoffState; deviceName: string | null } {
  if (!handoff || handoff.accountId !== pc.accountId || handoff.pcSessionUid !== pc.sessionUid) return { state: 'expired', deviceName: null };
  const state = stateOf(handoff, now);
  return { state, deviceName: state === 'completed' ? handoff.deviceName : null };
}
