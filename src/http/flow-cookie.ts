// The state of a multi-step flow kept in the browser between its steps (sign-up, password reset,
// phone change, the account pages' sign-in), so any tobira process can serve the next step.
//
// One shape for all of them: a koa signed cookie (tamper-evident, see signed-cookie.ts) holding the
// state, the deadline and a hash of what the state is bound to (the interaction it belongs to, or
// this browser's binding cookie). A read gives the state only when the signature holds, the binding
// is this one, the deadline has not passed by tobira's clock (tests shift it) and the state still
// matches its schema (a cookie written by an older release is then simply no state); else undefined.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { clearCookie, readSignedJson, writeSignedJson } from './signed-cookie.ts';

export interface FlowCookieOptions<T> {
  /** The cookie's name. */
  name: string;
  /** What a state must look like; anything else reads as no state. */
  schema: z.ZodType<T>;
  /** How long a written state lives unless the write says otherwise (ms). */
  lifetimeMs: number;
  /** tobira's clock (epoch ms). */
  now: () => number;
}

const envelope = z.object({
  /** SHA-256 (base64url) of the binding. */
  b: z.string(),
  /** Deadline, epoch ms. */
  e: z.number(),
  /** The flow's state, checked against the flow's schema. */
  s: z.unknown(),
});

function bindingHash(binding: string): string {
  return createHash('sha256').update(binding).digest('base64url');
}

export class FlowCookie<T> {
  readonly #name: string;
  readonly #schema: z.ZodType<T>;
  readonly #lifetimeMs: number;
  readonly #now: () => number;

  constructor(options: FlowCookieOptions<T>) {
    this.#name = options.name;
    this.#schema = options.schema;
    this.#lifetimeMs = options.lifetimeMs;
    this.#now = options.now;
  }

  get name(): string {
    return this.#name;
  }

  /** The state bound to `binding`, or undefined (none, another binding's, expired, tampered with, or malformed). */
  read(ctx: Context, binding: string): T | undefined {
    const held = envelope.safeParse(readSignedJson<unknown>(ctx, this.#name));
    if (!held.success || held.data.b !== bindingHash(binding) || held.data.e <= this.#now()) return undefined;
    const state = this.#schema.safeParse(held.data.s);
    return state.success ? state.data : undefined;
  }

  /** Keeps `state` for `ttlMs` (the cookie's lifetime when not given) from now, bound to `binding`. */
  write(ctx: Context, binding: string, state: T, ttlMs: number = this.#lifetimeMs): void {
    // A state that could not be read back would only turn into a "start again" one step later.
    this.#schema.parse(state);
    const ttl = Math.max(1, Math.ceil(ttlMs));
    writeSignedJson(ctx, this.#name, { b: bindingHash(binding), e: this.#now() + ttl, s: state }, ttl);
  }

  clear(ctx: Context): void {
    clearCookie(ctx, this.#name);
  }
}
