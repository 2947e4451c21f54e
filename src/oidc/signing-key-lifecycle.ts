// The rules of the signing key lifecycle, without storage or clocks of their own: pure functions
// from a key set and the time to the next key set (or a refusal). The service around them
// (signing-key-service.ts) keeps the set in the store; these say what may happen to it.
//
//   next     generated and published in /jwks, signs nothing yet: partners' caches learn it first
//   current  signs ID tokens, JWT access tokens, logout tokens (one per algorithm)
//   retired  signs nothing, still published so that what it signed keeps verifying; removed once
//            the longest lifetime of anything it signed has passed
//
// Keys move as a generation: one key per algorithm (ES256 and RS256), generated, promoted and
// retired together, so a partner never sees one algorithm rotated and the other not.
import type { JWK } from 'jose';
import {
  NextSigningKeyExistsError,
  NoNextSigningKeyError,
  SigningKeyAlreadyRetiredError,
  SigningKeyIsCurrentError,
  SigningKeyNotFoundError,
  SigningKeyTooEarlyError,
} from './signing-key-errors.ts';

/** The algorithms tobira generates a key for, in each generation. */
export const ROTATED_ALGS = ['ES256', 'RS256'] as const;
export type RotatedAlg = (typeof ROTATED_ALGS)[number];

export type KeyState = 'next' | 'current' | 'retired';

export interface LifecycleKey {
  kid: string;
  alg: string;
  /** The private JWK (kid, alg, use included). */
  jwk: JWK;
  state: KeyState;
  /** Keys generated together share it; it grows with every generation. */
  generation: number;
  /** When it was generated, which is when /jwks started publishing it (epoch ms). */
  createdAt: number;
  /** When it became current. */
  promotedAt?: number;
  /** When it stopped signing. */
  retiredAt?: number;
  /** When it leaves /jwks (retired keys only). */
  removeAt?: number;
}

export interface KeySet {
  keys: LifecycleKey[];
}

export interface LifecycleTimes {
  /** How long a next key is published before it may sign: the JWKS cache time partners are given. */
  publishSeconds: number;
  /** How long a retired key stays published: the longest lifetime of anything it signed, plus a margin. */
  retainSeconds: number;
  /** How often the schedule rotates (age of the current key); 0: only by command. */
  rotationSeconds: number;
}

/** What the schedule does next, if anything (scheduledStep). */
export type ScheduledStep = 'remove' | 'generate' | 'promote';

const byGeneration = (a: LifecycleKey, b: LifecycleKey): number => b.generation - a.generation || a.alg.localeCompare(b.alg);

/** The keys still in their time: retired ones past removeAt are gone, even before the store forgets them. */
export function liveKeys(set: KeySet, now: number): LifecycleKey[] {
  return set.keys.filter((key) => key.state !== 'retired' || (key.removeAt ?? 0) > now);
}

export function inState(set: KeySet, state: KeyState, now: number): LifecycleKey[] {
  return liveKeys(set, now).filter((key) => key.state === state);
}

/**
 * The private JWKS oidc-provider gets: the current keys first. oidc-provider signs with the first
 * key of the right algorithm (its keystore's stable order), so the order decides which key signs;
 * the next and retired keys follow, so they are published and verify (id_token_hint) but sign nothing.
 */
export function providerJwks(set: KeySet, now: number): { keys: JWK[] } {
  const rank: Record<KeyState, number> = { current: 0, next: 1, retired: 2 };
  const keys = liveKeys(set, now).sort((a, b) => rank[a.state] - rank[b.state] || byGeneration(a, b));
  return { keys: keys.map((key) => ({ ...key.jwk })) };
}

/** A first key set: one generation, current at once (nothing was published before it, nothing to wait for). */
export function firstSet(jwks: readonly JWK[], now: number, generation = 1): KeySet {
  return {
    keys: jwks.map((jwk) => ({ kid: String(jwk.kid), alg: String(jwk.alg), jwk, state: 'current', generation, createdAt: now, promotedAt: now })),
  };
}

function nextGeneration(set: KeySet): number {
  return Math.max(0, ...set.keys.map((key) => key.generation)) + 1;
}

/** Adds a next generation (already generated keys, one per algorithm); refused while one waits. */
export function withNext(set: KeySet, jwks: readonly JWK[], now: number): KeySet {
  const waiting = inState(set, 'next', now)[0];
  if (waiting) throw new NextSigningKeyExistsError({ kid: waiting.kid });
  const generation = nextGeneration(set);
  const added: LifecycleKey[] = jwks.map((jwk) => ({ kid: String(jwk.kid), alg: String(jwk.alg), jwk, state: 'next', generation, createdAt: now }));
  return { keys: [...liveKeys(set, now), ...added] };
}

/** When a next key may be promoted: once it has been published for publishSeconds. */
export function promotableAt(key: LifecycleKey, times: LifecycleTimes): number {
  return key.createdAt + times.publishSeconds * 1000;
}

/** Next becomes current, current becomes retired (kept until its tokens have expired). */
export function promoted(set: KeySet, now: number, times: LifecycleTimes): KeySet {
  const next = inState(set, 'next', now);
  const first = next[0];
  if (!first) throw new NoNextSigningKeyError();
  const at = Math.max(...next.map((key) => promotableAt(key, times)));
  if (now < at) throw new SigningKeyTooEarlyError({ kid: first.kid, at: new Date(at).toISOString() });
  return {
    keys: liveKeys(set, now).map((key): LifecycleKey => {
      if (key.state === 'next') return { ...key, state: 'current', promotedAt: now };
      if (key.state === 'current') return { ...key, state: 'retired', retiredAt: now, removeAt: now + times.retainSeconds * 1000 };
      return key;
    }),
  };
}

export interface Retirement {
  set: KeySet;
  /** What happened to the key's generation: a next one is discarded, a retired one removed now. */
  outcome: 'discarded' | 'removed';
  kids: string[];
}

/**
 * Retires the generation of `kid` by command. A next key signed nothing: it is discarded. The
 * current key is refused (promote the next one: there must always be a key that signs). A retired
 * key is already on its way out; `immediately` removes it now (a leaked key), which makes what it
 * signed unverifiable.
 */
export function retired(set: KeySet, kid: string, now: number, options: { immediately: boolean }): Retirement {
  const key = liveKeys(set, now).find((candidate) => candidate.kid === kid);
  if (!key) throw new SigningKeyNotFoundError({ kid });
  if (key.state === 'current') throw new SigningKeyIsCurrentError({ kid });
  if (key.state === 'retired' && !options.immediately) {
    throw new SigningKeyAlreadyRetiredError({ kid, at: new Date(key.removeAt ?? now).toISOString() });
  }
  const gone = liveKeys(set, now).filter((candidate) => candidate.generation === key.generation && candidate.state === key.state);
  return {
    set: { keys: liveKeys(set, now).filter((candidate) => !gone.includes(candidate)) },
    outcome: key.state === 'next' ? 'discarded' : 'removed',
    kids: gone.map((candidate) => candidate.kid),
  };
}

/** The retired keys whose time is over (liveKeys already leaves them out; the store still holds them). */
export function expired(set: KeySet, now: number): LifecycleKey[] {
  return set.keys.filter((key) => key.state === 'retired' && (key.removeAt ?? 0) <= now);
}

/**
 * What the schedule does now: forget expired retired keys; with rotation on, generate the next
 * generation publishSeconds before the current one is due, and promote it once it is due and has
 * been published long enough. One step per call; the service calls again until there is none.
 */
export function scheduledStep(set: KeySet, now: number, times: LifecycleTimes): ScheduledStep | undefined {
  if (expired(set, now).length > 0) return 'remove';
  if (times.rotationSeconds <= 0) return undefined;
  const current = inState(set, 'current', now);
  if (current.length === 0) return undefined;
  const since = Math.max(...current.map((key) => key.promotedAt ?? key.createdAt));
  const due = since + times.rotationSeconds * 1000;
  const next = inState(set, 'next', now);
  if (next.length === 0) return now >= due - times.publishSeconds * 1000 ? 'generate' : undefined;
  const ready = Math.max(...next.map((key) => promotableAt(key, times)));
  return now >= due && now >= ready ? 'promote' : undefined;
}

/** The longest lifetime of anything a key signs, plus a margin: how long a retired key stays published. */
export function retainSeconds(lifetimes: { idToken: number; accessTokens: readonly number[]; graceSeconds: number }): number {
  // oidc-provider's logout tokens (and signed userinfo/introspection answers) live 120 seconds.
  const LOGOUT_TOKEN_SECONDS = 120;
  return Math.max(lifetimes.idToken, LOGOUT_TOKEN_SECONDS, ...lifetimes.accessTokens) + lifetimes.graceSeconds;
}
